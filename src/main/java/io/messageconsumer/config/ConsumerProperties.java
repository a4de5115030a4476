package io.messageconsumer.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
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
 * @param concurrency worker threads; defaults to the number of CPUs
 * @param queueCapacity messages buffered between the Redis connection and the workers
 * @param maxMessageBytes larger messages are rejected {@code too_large}
 * @param retry handler retry policy
 * @param deadLetter dead-letter stream settings
 * @param shutdown graceful shutdown settings
 * @param streams Redis Streams settings (used in {@code stream} mode)
 * @param overflow what happens to a message whose lane is full
 * @param overflowWait with {@code overflow=block}, how long the connection's thread may wait for room
 * @param handlerTimeout an attempt running longer counts as failed, and its lane moves on
 * @param health delivery-verifying health checks
 * @param json limits of the parser that reads messages
 */
@Validated
@ConfigurationProperties("consumer")
public record ConsumerProperties(
		@DefaultValue("pubsub") @NotNull Mode mode,
		@DefaultValue({ "orders", "notifications" }) List<@NotBlank String> channels,
		@DefaultValue List<@NotBlank String> patterns,
		@Min(1) @Max(1024) Integer concurrency,
		@DefaultValue("10000") @Min(1) @Max(10_000_000) int queueCapacity,
		@DefaultValue("1048576") @NotNull DataSize maxMessageBytes,
		@DefaultValue @Valid Retry retry,
		@DefaultValue @Valid DeadLetter deadLetter,
		@DefaultValue @Valid Shutdown shutdown,
		@DefaultValue @Valid Streams streams,
		@DefaultValue("dead-letter") @NotNull Overflow overflow,
		@DefaultValue("100ms") @NotNull Duration overflowWait,
		@DefaultValue("30s") @NotNull Duration handlerTimeout,
		@DefaultValue @Valid Health health,
		@DefaultValue @Valid Json json) {

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
		if (mode != Mode.STREAM && channels.isEmpty() && patterns.isEmpty()) {
			throw new IllegalArgumentException(
					"consumer.channels and consumer.patterns are both empty: nothing to subscribe to");
		}
		if (mode != Mode.PUBSUB && streams != null && streams.keys().isEmpty()) {
			throw new IllegalArgumentException("consumer.streams.keys is empty: nothing to read in consumer.mode="
					+ mode.name().toLowerCase(java.util.Locale.ROOT));
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

	/**
	 * Health checks that verify delivery rather than a PING.
	 *
	 * @param canaryInterval how often a canary probe is published to this instance's own channel
	 * @param canaryTimeout a probe not received back within this makes the consumer {@code DOWN}
	 * @param canaryChannel the canary channel; {@code {instance}} is replaced by this instance's client name
	 */
	public record Health(@DefaultValue("10s") @NotNull Duration canaryInterval,
			@DefaultValue("5s") @NotNull Duration canaryTimeout,
			@DefaultValue("consumer:canary:{instance}") @NotBlank String canaryChannel) {

		public Health {
			if (canaryInterval != null && (canaryInterval.isZero() || canaryInterval.isNegative())) {
				throw new IllegalArgumentException("consumer.health.canary-interval must be positive");
			}
			if (canaryTimeout != null && (canaryTimeout.isZero() || canaryTimeout.isNegative())) {
				throw new IllegalArgumentException("consumer.health.canary-timeout must be positive");
			}
		}

	}

	/**
	 * Limits of the parser that reads messages; a message over one is rejected {@code invalid_json}.
	 * The size limits left unset are {@code consumer.max-message-bytes}, which they may not exceed.
	 *
	 * @param maxNestingDepth deepest nesting of objects and arrays
	 * @param maxNumberLength longest number literal, in characters
	 * @param maxNameLength longest member name, in characters
	 * @param maxStringLength longest string value, in characters
	 * @param maxDocumentLength longest document
	 * @param maxTokenCount most tokens in one document
	 */
	public record Json(@DefaultValue("64") @Min(1) @Max(1000) int maxNestingDepth,
			@DefaultValue("100") @Min(1) @Max(1000) int maxNumberLength,
			@DefaultValue("1024") @Min(1) @Max(65536) int maxNameLength, DataSize maxStringLength,
			DataSize maxDocumentLength, @Min(1) Long maxTokenCount) {

		void check(long maxMessageBytes) {
			checkSize("max-string-length", (this.maxStringLength != null) ? this.maxStringLength.toBytes() : null,
					maxMessageBytes);
			checkSize("max-document-length",
					(this.maxDocumentLength != null) ? this.maxDocumentLength.toBytes() : null, maxMessageBytes);
			checkSize("max-token-count", this.maxTokenCount, maxMessageBytes);
		}

		private static void checkSize(String name, Long value, long maxMessageBytes) {
			if (value != null && (value < 1 || value > maxMessageBytes)) {
				throw new IllegalArgumentException("consumer.json." + name + " must be between 1 and "
						+ "consumer.max-message-bytes (" + maxMessageBytes + "), was " + value);
			}
		}

		JsonLimits toLimits(int maxMessageBytes) {
			int maxString = (this.maxStringLength != null) ? (int) this.maxStringLength.toBytes() : maxMessageBytes;
			long maxDocument = (this.maxDocumentLength != null) ? this.maxDocumentLength.toBytes() : maxMessageBytes;
			long maxTokens = (this.maxTokenCount != null) ? this.maxTokenCount : maxMessageBytes;
			return new JsonLimits(this.maxNestingDepth, this.maxNumberLength, this.maxNameLength, maxString,
					maxDocument, maxTokens);
		}

	}

	/**
	 * Handler retry policy: exponential backoff between attempts.
	 *
	 * @param maxAttempts handler attempts before the message is {@code failed}
	 * @param initialBackoff wait before the second attempt
	 * @param multiplier factor applied to the wait after each attempt
	 * @param maxBackoff upper bound of the wait
	 */
	public record Retry(@DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
			@DefaultValue("100ms") @NotNull Duration initialBackoff,
			@DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
			@DefaultValue("5s") @NotNull Duration maxBackoff) {

		public Retry {
			if (initialBackoff != null && initialBackoff.isNegative()) {
				throw new IllegalArgumentException("consumer.retry.initial-backoff must not be negative");
			}
			if (maxBackoff != null && maxBackoff.isNegative()) {
				throw new IllegalArgumentException("consumer.retry.max-backoff must not be negative");
			}
		}

	}

	/**
	 * Dead-letter stream settings.
	 *
	 * @param stream stream key
	 * @param maxLength approximate MAXLEN of the stream
	 * @param replayEnabled expose the {@code deadletters} Actuator endpoint that lists and replays entries
	 * @param bufferSize bytes of dead letters held while they wait to be written (payloads plus a fixed
	 * allowance per entry); a burst that overflows the lanes waits here, not in a count-bounded queue
	 */
	public record DeadLetter(@DefaultValue("consumer:dead-letter") @NotBlank String stream,
			@DefaultValue("100000") @Min(1) long maxLength, @DefaultValue("false") boolean replayEnabled,
			@DefaultValue("64MB") @NotNull DataSize bufferSize) {
	}

	/**
	 * Graceful shutdown settings.
	 *
	 * @param drainTimeout how long buffered messages may take to finish after receiving stops
	 */
	public record Shutdown(@DefaultValue("30s") @NotNull Duration drainTimeout) {

		public Shutdown {
			if (drainTimeout != null && drainTimeout.isNegative()) {
				throw new IllegalArgumentException("consumer.shutdown.drain-timeout must not be negative");
			}
		}

	}

	/**
	 * Redis Streams consumer-group settings.
	 *
	 * @param keys streams to read
	 * @param group consumer group, created if missing
	 * @param consumerName this replica's name in the group; defaults to the host name
	 * @param claimMinIdle pending entries idle this long are claimed
	 * @param maxDeliveries deliveries before an entry is dead-lettered
	 * @param batchSize entries read per XREADGROUP call (its COUNT)
	 * @param block how long one XREADGROUP call waits for entries (its BLOCK)
	 */
	public record Streams(@DefaultValue({ "orders-stream", "notifications-stream" }) List<@NotBlank String> keys,
			@DefaultValue("message-consumer") @NotBlank String group, String consumerName,
			@DefaultValue("60s") @NotNull Duration claimMinIdle, @DefaultValue("5") @Min(1) int maxDeliveries,
			@DefaultValue("256") @Min(1) @Max(10_000) int batchSize, @DefaultValue("2s") @NotNull Duration block) {

		public Streams {
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
		}

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

}
