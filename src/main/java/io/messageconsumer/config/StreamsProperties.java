package io.messageconsumer.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redis Streams consumer-group settings, bound from {@code consumer.streams.*}.
 *
 * @param keys streams to read
 * @param group consumer group, created if missing
 * @param consumerName this replica's name in the group; defaults to the host name
 * @param claimMinIdle pending entries idle this long are claimed
 * @param maxDeliveries deliveries before an entry is dead-lettered
 * @param batchSize entries read per XREADGROUP call (its COUNT)
 * @param block how long one XREADGROUP call waits for entries (its BLOCK)
 * @param batchWait after a read that returned some entries but fewer than {@code batchSize}, how
 * long the next read waits so that entries gather into a fuller batch; zero to read again at once
 */
public record StreamsProperties(@DefaultValue({ "orders-stream", "notifications-stream" }) List<@NotBlank String> keys,
		@DefaultValue("message-consumer") @NotBlank String group, String consumerName,
		@DefaultValue("60s") @NotNull Duration claimMinIdle, @DefaultValue("5") @Min(1) int maxDeliveries,
		@DefaultValue("256") @Min(1) @Max(10_000) int batchSize, @DefaultValue("2s") @NotNull Duration block,
		@DefaultValue("1ms") @NotNull Duration batchWait) {

	public StreamsProperties {
		if (consumerName == null || consumerName.isBlank()) {
			consumerName = hostName();
		}
		if (claimMinIdle != null && (claimMinIdle.isZero() || claimMinIdle.isNegative())) {
			throw new IllegalArgumentException("consumer.streams.claim-min-idle must be positive, was " + claimMinIdle);
		}
		if (block != null && (block.toMillis() < 1 || block.toSeconds() > 60)) {
			throw new IllegalArgumentException(
					"consumer.streams.block must be between 1ms and 60s, was " + block);
		}
		if (batchWait != null && (batchWait.isNegative() || batchWait.toMillis() > 100)) {
			throw new IllegalArgumentException(
					"consumer.streams.batch-wait must be between 0 and 100ms, was " + batchWait);
		}
	}

	/**
	 * This host's name, the default consumer name.
	 * @return the host name, else {@code $HOSTNAME}, else {@code message-consumer}
	 */
	public static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			String env = System.getenv("HOSTNAME");
			return (env != null && !env.isBlank()) ? env : "message-consumer";
		}
	}

}
