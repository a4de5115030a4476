package io.messageconsumer.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.HashSet;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.messageconsumer.decode.JsonLimits;

/**
 * Configuration of the consumer, bound from the {@code consumer.*} properties.
 *
 * @param mode which Redis feature to consume from
 * @param channels channels to SUBSCRIBE
 * @param patterns glob patterns to PSUBSCRIBE
 * @param shardChannels shard channels to SSUBSCRIBE on the node that owns each one's slot
 * @param concurrency worker threads; defaults to the number of CPUs
 * @param queueCapacity messages buffered between the Redis connection and the workers
 * @param maxMessageBytes larger messages are rejected {@code too_large}
 * @param retry handler retry policy ({@link RetryProperties})
 * @param deadLetter dead-letter stream settings ({@link DeadLetterProperties})
 * @param shutdown graceful shutdown settings ({@link ShutdownProperties})
 * @param streams Redis Streams settings, used in {@code stream} mode ({@link StreamsProperties})
 * @param overflow what happens to a message whose lane is full
 * @param overflowWait with {@code overflow=block}, how long the connection's thread may wait for room
 * @param handlerTimeout an attempt running longer counts as failed, and its lane moves on
 * @param health delivery-verifying health checks ({@link HealthProperties})
 * @param json limits of the parser that reads messages ({@link JsonProperties})
 */
@Validated
@ConfigurationProperties("consumer")
public record ConsumerProperties(
		@DefaultValue("pubsub") @NotNull Mode mode,
		@DefaultValue({ "orders", "notifications" }) List<@NotBlank String> channels,
		@DefaultValue List<@NotBlank String> patterns,
		@DefaultValue List<@NotBlank String> shardChannels,
		@Min(1) @Max(1024) Integer concurrency,
		@DefaultValue("10000") @Min(1) @Max(10_000_000) int queueCapacity,
		@DefaultValue("1048576") @NotNull DataSize maxMessageBytes,
		@DefaultValue @Valid @NestedConfigurationProperty RetryProperties retry,
		@DefaultValue @Valid @NestedConfigurationProperty DeadLetterProperties deadLetter,
		@DefaultValue @Valid @NestedConfigurationProperty ShutdownProperties shutdown,
		@DefaultValue @Valid @NestedConfigurationProperty StreamsProperties streams,
		@DefaultValue("dead-letter") @NotNull Overflow overflow,
		@DefaultValue("100ms") @NotNull Duration overflowWait,
		@DefaultValue("30s") @NotNull Duration handlerTimeout,
		@DefaultValue @Valid @NestedConfigurationProperty HealthProperties health,
		@DefaultValue @Valid @NestedConfigurationProperty JsonProperties json) {

	private static final long MAX_MESSAGE_BYTES_LIMIT = 512L * 1024 * 1024;

	public ConsumerProperties {
		if (concurrency == null) {
			concurrency = Runtime.getRuntime().availableProcessors();
		}
		if (maxMessageBytes != null
				&& (maxMessageBytes.toBytes() < 1 || maxMessageBytes.toBytes() > MAX_MESSAGE_BYTES_LIMIT)) {
			throw new IllegalArgumentException(
					"consumer.max-message-bytes must be between 1 and 536870912, was " + maxMessageBytes.toBytes());
		}
		if (handlerTimeout != null && (handlerTimeout.isZero() || handlerTimeout.isNegative())) {
			throw new IllegalArgumentException("consumer.handler-timeout must be positive, was " + handlerTimeout);
		}
		if (overflowWait != null && overflowWait.isNegative()) {
			throw new IllegalArgumentException("consumer.overflow-wait must not be negative, was " + overflowWait);
		}
		if (maxMessageBytes != null && json != null) {
			json.check(maxMessageBytes.toBytes());
		}
		if (maxMessageBytes != null && deadLetter != null && deadLetter.bufferSize() != null
				&& deadLetter.bufferSize().toBytes() < 2 * maxMessageBytes.toBytes()) {
			throw new IllegalArgumentException("consumer.dead-letter.buffer-size must hold at least two of the largest "
					+ "messages (2 x consumer.max-message-bytes = " + 2 * maxMessageBytes.toBytes() + " bytes), was "
					+ deadLetter.bufferSize().toBytes());
		}
		if (mode != Mode.STREAM && channels.isEmpty() && patterns.isEmpty() && shardChannels.isEmpty()) {
			throw new IllegalArgumentException("consumer.channels, consumer.patterns and consumer.shard-channels are "
					+ "all empty: nothing to subscribe to");
		}
		if (shardChannels != null && shardChannels.size() != new HashSet<>(shardChannels).size()) {
			throw new IllegalArgumentException("consumer.shard-channels lists a channel twice: " + shardChannels);
		}
		if (mode != Mode.PUBSUB && streams != null && streams.keys().isEmpty()) {
			throw new IllegalArgumentException("consumer.streams.keys is empty: nothing to read in consumer.mode="
					+ mode.name().toLowerCase(Locale.ROOT));
		}
	}

	/** Maximum accepted message size in bytes. */
	public int maxMessageSize() {
		return (int) this.maxMessageBytes.toBytes();
	}

	/** The parser limits, the ones left unset derived from {@code consumer.max-message-bytes}. */
	public JsonLimits jsonLimits() {
		return this.json.toLimits(maxMessageSize());
	}

	/** Where messages come from. */
	public enum Mode {

		/** Redis pub/sub: at most once, every replica receives every message. */
		PUBSUB,

		/** Redis Streams consumer groups: at least once, work shared across replicas. */
		STREAM,

		/** Both sources at once. */
		BOTH

	}

	/** What happens to a message that arrives while its lane is full. */
	public enum Overflow {

		/** Write it to the dead-letter stream with reason {@code overflow}, off the connection's thread. */
		DEAD_LETTER,

		/** Wait up to {@code consumer.overflow-wait} for room, then dead-letter it. */
		BLOCK

	}

}
