package io.messageconsumer.monitoring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.config.DeadLetterProperties;
import io.messageconsumer.config.RetryProperties;
import io.messageconsumer.config.ShutdownProperties;
import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.source.SourceStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReadinessAnnouncer}: one line when every source consumes, naming the mode and
 * what is consumed; again only after consumption was lost and came back.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadinessAnnouncerTests {

	private final AtomicReference<SourceStatus.Level> level = new AtomicReference<>(SourceStatus.Level.DOWN);

	private final SourceStatus.Source source = new SourceStatus.Source() {

		@Override
		public String name() {
			return "pubsub";
		}

		@Override
		public SourceStatus status() {
			return new SourceStatus(ReadinessAnnouncerTests.this.level.get(), "state", Map.of());
		}

	};

	@Test
	void announcesOnceWhenEverySourceConsumes(CapturedOutput output) {
		ReadinessAnnouncer announcer = new ReadinessAnnouncer(properties(ConsumerProperties.Mode.PUBSUB),
				List.of(this.source), () -> true);
		announcer.check();
		assertThat(output).doesNotContain("Ready to consume");
		this.level.set(SourceStatus.Level.CONSUMING);
		announcer.check();
		announcer.check();
		assertThat(output.getOut().split("Ready to consume", -1)).hasSize(2);
		assertThat(output).contains("Ready to consume: mode=pubsub channels=[orders, notifications] patterns=[]");
	}

	@Test
	void announcesAgainAfterConsumptionCameBack(CapturedOutput output) {
		ReadinessAnnouncer announcer = new ReadinessAnnouncer(properties(ConsumerProperties.Mode.PUBSUB),
				List.of(this.source), () -> true);
		this.level.set(SourceStatus.Level.CONSUMING);
		announcer.check();
		this.level.set(SourceStatus.Level.DOWN);
		announcer.check();
		this.level.set(SourceStatus.Level.CONSUMING);
		announcer.check();
		assertThat(output).contains("Consuming again: mode=pubsub");
	}

	@Test
	void saysNothingWhileTheLanesDoNotRun(CapturedOutput output) {
		this.level.set(SourceStatus.Level.CONSUMING);
		new ReadinessAnnouncer(properties(ConsumerProperties.Mode.PUBSUB), List.of(this.source), () -> false).check();
		assertThat(output).doesNotContain("Ready to consume");
	}

	@Test
	void namesStreamsGroupAndConsumerInStreamMode() {
		assertThat(ReadinessAnnouncer.describe(properties(ConsumerProperties.Mode.STREAM)))
			.isEqualTo("mode=stream streams=[orders-stream, notifications-stream] group=message-consumer consumer=c-1");
		assertThat(ReadinessAnnouncer.describe(properties(ConsumerProperties.Mode.BOTH))).isEqualTo(
				"mode=both channels=[orders, notifications] patterns=[] streams=[orders-stream, notifications-stream] "
						+ "group=message-consumer consumer=c-1");
	}

	private static ConsumerProperties properties(ConsumerProperties.Mode mode) {
		return new ConsumerProperties(mode, List.of("orders", "notifications"), List.of(), List.of(), 2, 10_000,
				DataSize.ofMegabytes(1), new RetryProperties(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)),
				new DeadLetterProperties("consumer:dead-letter", 100_000, false, DataSize.ofMegabytes(64)),
				new ShutdownProperties(Duration.ofSeconds(30)),
				new StreamsProperties(List.of("orders-stream", "notifications-stream"), "message-consumer",
						"c-1", Duration.ofSeconds(60), 5, 256, Duration.ofSeconds(2), Duration.ofMillis(1)),
				ConsumerProperties.Overflow.DEAD_LETTER, Duration.ofMillis(100), Duration.ofSeconds(30), null, null);
	}

}
