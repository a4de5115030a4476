package io.messageconsumer.config;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.messageconsumer.config.ConsumerProperties.Mode;
import io.messageconsumer.decode.JsonLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConsumerPropertiesTests {

	private static final RetryProperties RETRY = new RetryProperties(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));

	private static final DeadLetterProperties DEAD_LETTER = new DeadLetterProperties("consumer:dead-letter", 100_000, false,
			DataSize.ofMegabytes(64));

	private static final ShutdownProperties SHUTDOWN = new ShutdownProperties(Duration.ofSeconds(30));

	private static final StreamsProperties STREAMS = new StreamsProperties(List.of("orders-stream", "notifications-stream"),
			"message-consumer", "replica-1", Duration.ofSeconds(60), 5, 256, Duration.ofSeconds(2), Duration.ofMillis(1));

	private static final JsonProperties JSON = new JsonProperties(64, 100, 1024, null, null, null);

	@Test
	void refusesADeadLetterBufferThatCannotHoldTwoOfTheLargestMessages() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsumerProperties(Mode.PUBSUB, List.of("orders"), List.of(), List.of(), 1, 10_000,
					DataSize.ofMegabytes(1), RETRY,
					new DeadLetterProperties("consumer:dead-letter", 100_000, false, DataSize.ofMegabytes(1)), SHUTDOWN, STREAMS,
					ConsumerProperties.Overflow.DEAD_LETTER, Duration.ofMillis(100), Duration.ofSeconds(30), null, JSON))
			.withMessageStartingWith("consumer.dead-letter.buffer-size must hold at least two of the largest messages");
	}

	@Test
	void derivesUnsetJsonSizeLimitsFromTheMessageSizeLimit() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of("orders"), List.of(), 1,
				DataSize.ofKilobytes(64));
		assertThat(properties.jsonLimits()).isEqualTo(new JsonLimits(64, 100, 1024, 65_536, 65_536, 65_536));
	}

	@Test
	void keepsExplicitJsonLimits() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of("orders"), List.of(), 1,
				DataSize.ofKilobytes(64), new JsonProperties(16, 30, 200, DataSize.ofKilobytes(8), DataSize.ofKilobytes(32), 4_000L));
		assertThat(properties.jsonLimits()).isEqualTo(new JsonLimits(16, 30, 200, 8_192, 32_768, 4_000));
	}

	@Test
	void rejectsJsonSizeLimitsAboveTheMessageSizeLimitNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(Mode.PUBSUB, List.of("orders"), List.of(), 1, DataSize.ofKilobytes(64),
					new JsonProperties(64, 100, 1024, DataSize.ofMegabytes(1), null, null)))
			.withMessageStartingWith("consumer.json.max-string-length must be between 1 and");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(Mode.PUBSUB, List.of("orders"), List.of(), 1, DataSize.ofKilobytes(64),
					new JsonProperties(64, 100, 1024, null, null, 0L)))
			.withMessageStartingWith("consumer.json.max-token-count");
	}

	@Test
	void defaultsConcurrencyToTheNumberOfProcessors() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of("orders"), List.of(), null,
				DataSize.ofMegabytes(1));
		assertThat(properties.concurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void keepsExplicitConcurrency() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of("orders"), List.of(), 7,
				DataSize.ofMegabytes(1));
		assertThat(properties.concurrency()).isEqualTo(7);
	}

	@Test
	void exposesMaxMessageSizeInBytes() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of("orders"), List.of(), 1,
				DataSize.ofBytes(1_048_576));
		assertThat(properties.maxMessageSize()).isEqualTo(1_048_576);
	}

	@Test
	void acceptsPatternsWithoutChannels() {
		ConsumerProperties properties = properties(Mode.PUBSUB, List.of(), List.of("orders.*"), 1,
				DataSize.ofMegabytes(1));
		assertThat(properties.patterns()).containsExactly("orders.*");
	}

	@Test
	void streamModeNeedsNoChannels() {
		ConsumerProperties properties = properties(Mode.STREAM, List.of(), List.of(), 1, DataSize.ofMegabytes(1));
		assertThat(properties.streams().keys()).containsExactly("orders-stream", "notifications-stream");
	}

	@Test
	void rejectsBothModeWithoutStreamsNamingTheProperty() {
		StreamsProperties none = new StreamsProperties(List.of(), "message-consumer", "replica-1", Duration.ofSeconds(60), 5, 256,
				Duration.ofSeconds(2), Duration.ofMillis(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsumerProperties(Mode.BOTH, List.of("orders"), List.of(), List.of(), 1, 10_000,
					DataSize.ofMegabytes(1), RETRY, DEAD_LETTER, SHUTDOWN, none, ConsumerProperties.Overflow.DEAD_LETTER,
					Duration.ofMillis(100), Duration.ofSeconds(30), new HealthProperties(Duration.ofSeconds(10),
							Duration.ofSeconds(5), "consumer:canary:{instance}"), JSON))
			.withMessageContaining("consumer.streams.keys");
	}

	@Test
	void rejectsABlockLongerThanAMinuteNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StreamsProperties(List.of("s"), "g", "c", Duration.ofSeconds(60), 5, 256, Duration.ofMinutes(5),
					Duration.ofMillis(1)))
			.withMessageContaining("consumer.streams.block");
	}

	@Test
	void rejectsABatchWaitLongerThan100MillisecondsNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StreamsProperties(List.of("s"), "g", "c", Duration.ofSeconds(60), 5, 256, Duration.ofSeconds(2),
					Duration.ofMillis(101)))
			.withMessageContaining("consumer.streams.batch-wait");
	}

	@Test
	void rejectsEmptyChannelsAndPatternsNamingTheProperties() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(Mode.PUBSUB, List.of(), List.of(), 1, DataSize.ofMegabytes(1)))
			.withMessageContaining("consumer.channels")
			.withMessageContaining("consumer.patterns");
	}

	@Test
	void rejectsZeroMaxMessageBytesNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(Mode.PUBSUB, List.of("orders"), List.of(), 1, DataSize.ofBytes(0)))
			.withMessageContaining("consumer.max-message-bytes");
	}

	@Test
	void rejectsMaxMessageBytesAboveTheLimitNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(Mode.PUBSUB, List.of("orders"), List.of(), 1, DataSize.ofGigabytes(1)))
			.withMessageContaining("consumer.max-message-bytes");
	}

	@Test
	void rejectsNegativeBackoffNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryProperties(3, Duration.ofMillis(-1), 2.0, Duration.ofSeconds(5)))
			.withMessageContaining("consumer.retry.initial-backoff");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryProperties(3, Duration.ofMillis(1), 2.0, Duration.ofSeconds(-5)))
			.withMessageContaining("consumer.retry.max-backoff");
	}

	@Test
	void rejectsNegativeDrainTimeoutNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShutdownProperties(Duration.ofSeconds(-1)))
			.withMessageContaining("consumer.shutdown.drain-timeout");
	}

	@Test
	void defaultsConsumerNameToTheHostName() {
		StreamsProperties streams = new StreamsProperties(List.of("orders-stream"), "message-consumer", null, Duration.ofSeconds(60), 5, 256, Duration.ofSeconds(2), Duration.ZERO);
		assertThat(streams.consumerName()).isNotBlank().isEqualTo(StreamsProperties.hostName());
		StreamsProperties blank = new StreamsProperties(List.of("orders-stream"), "message-consumer", " ", Duration.ofSeconds(60), 5, 256, Duration.ofSeconds(2), Duration.ZERO);
		assertThat(blank.consumerName()).isEqualTo(StreamsProperties.hostName());
	}

	private static ConsumerProperties properties(Mode mode, List<String> channels, List<String> patterns,
			Integer concurrency, DataSize maxMessageBytes) {
		return properties(mode, channels, patterns, concurrency, maxMessageBytes, JSON);
	}

	private static ConsumerProperties properties(Mode mode, List<String> channels, List<String> patterns,
			Integer concurrency, DataSize maxMessageBytes, JsonProperties json) {
		return new ConsumerProperties(mode, channels, patterns, List.of(), concurrency, 10_000, maxMessageBytes, RETRY,
				DEAD_LETTER, SHUTDOWN, STREAMS, ConsumerProperties.Overflow.DEAD_LETTER, Duration.ofMillis(100),
				Duration.ofSeconds(30), new HealthProperties(Duration.ofSeconds(10), Duration.ofSeconds(5),
						"consumer:canary:{instance}"), json);
	}

}
