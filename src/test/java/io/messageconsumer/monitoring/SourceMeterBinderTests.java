package io.messageconsumer.monitoring;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.messageconsumer.source.SourceStatus;

import static org.assertj.core.api.Assertions.assertThat;

class SourceMeterBinderTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final FakeSource pubsub = new FakeSource("pubsub");

	private final FakeSource stream = new FakeSource("stream");

	@Test
	void isOneWhileTheSourceConsumesAndZeroOtherwise() {
		new SourceMeterBinder(List.of(this.pubsub, this.stream)).bindTo(this.registry);
		this.pubsub.level = SourceStatus.Level.CONSUMING;
		assertThat(consuming("pubsub")).isEqualTo(1);
		assertThat(consuming("stream")).isZero();
		// Backlogged is still consuming: readiness turns it away, yet messages arrive.
		this.pubsub.level = SourceStatus.Level.DEGRADED;
		assertThat(consuming("pubsub")).isEqualTo(1);
		this.pubsub.level = SourceStatus.Level.DOWN;
		this.stream.level = SourceStatus.Level.CONSUMING;
		assertThat(consuming("pubsub")).isZero();
		assertThat(consuming("stream")).isEqualTo(1);
	}

	@Test
	void registersOnlyTheConfiguredSources() {
		new SourceMeterBinder(List.of(this.stream)).bindTo(this.registry);
		assertThat(this.registry.find("consumer.source.consuming").gauges()).hasSize(1);
		assertThat(this.registry.find("consumer.source.consuming").tag("source", "pubsub").gauge()).isNull();
	}

	private double consuming(String source) {
		return this.registry.get("consumer.source.consuming").tag("source", source).gauge().value();
	}

	private static final class FakeSource implements SourceStatus.Source {

		private final String name;

		private volatile SourceStatus.Level level = SourceStatus.Level.DOWN;

		FakeSource(String name) {
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public SourceStatus status() {
			return new SourceStatus(this.level, this.level.name().toLowerCase(), Map.of());
		}

	}

}
