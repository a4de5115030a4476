package io.messageconsumer.monitoring;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.DeadLetterReason;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ConsumerMetrics metrics = new ConsumerMetrics(this.registry, Set.of("order"), "reject");

	@Test
	void countsReceivedMessagesPerSourceAndSubscription() {
		this.metrics.onReceived(message("orders"));
		this.metrics.onReceived(message("orders"));
		this.metrics.onReceived(message("notifications"));
		assertThat(this.registry.get("consumer.messages.received").tag("source", "pubsub").tag("channel", "orders")
			.counter().count()).isEqualTo(2);
		assertThat(this.registry.get("consumer.messages.received").tag("channel", "notifications").counter().count())
			.isEqualTo(1);
	}

	@Test
	void reusesEachMeterOnceRegistered() {
		Instant now = Instant.now();
		for (int i = 0; i < 3; i++) {
			this.metrics.onOutcome(message("orders"), processed(now));
		}
		this.metrics.onOutcome(message("orders"),
				new Disposition(Outcome.REJECTED, DeadLetterReason.UNKNOWN_TYPE, "no handler", "nope", null, null, 0));
		assertThat(this.registry.get("consumer.messages").tag("type", "order").tag("outcome", "processed").counter()
			.count()).isEqualTo(3);
		assertThat(this.registry.get("consumer.handler.duration").tag("type", "order").tag("outcome", "processed")
			.timer().count()).isEqualTo(3);
		assertThat(this.registry.get("consumer.delivery.latency").tag("type", "order").timer().count()).isEqualTo(3);
		assertThat(this.registry.get("consumer.messages").tag("type", "unknown").tag("outcome", "rejected").counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.find("consumer.messages").counters()).hasSize(2);
		assertThat(this.metrics.totalsByOutcome()).containsEntry("processed", 3L).containsEntry("rejected", 1L);
	}

	@Test
	void recordsDurationAndDeliveryLatency() {
		Instant now = Instant.now();
		InboundMessage message = new InboundMessage(new byte[0], "pubsub", "orders", "orders", now.minusMillis(20));
		this.metrics.onOutcome(message, processed(now.minusSeconds(2)));
		assertThat(this.registry.get("consumer.handler.duration").tag("type", "order").tag("outcome", "processed")
			.timer().totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(20.0);
		assertThat(this.registry.get("consumer.delivery.latency").tag("type", "order").timer()
			.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2_000.0);
	}

	@Test
	void skipsDeliveryLatencyOfAMessageFromTheFuture() {
		this.metrics.onOutcome(message("orders"), processed(Instant.now().plusSeconds(60)));
		assertThat(this.registry.find("consumer.delivery.latency").timer()).isNull();
	}

	@Test
	void skipsDeliveryLatencyOfATimeCenturiesAgoAndStillCountsTheOutcome() {
		this.metrics.onOutcome(message("orders"), processed(Instant.parse("0001-01-01T00:00:00Z")));
		assertThat(this.registry.find("consumer.delivery.latency").timer()).isNull();
		assertThat(this.registry.get("consumer.messages").tag("outcome", "processed").counter().count()).isEqualTo(1);
	}

	private static InboundMessage message(String channel) {
		return new InboundMessage(new byte[0], "pubsub", channel, channel, Instant.now());
	}

	private static Disposition processed(Instant time) {
		return new Disposition(Outcome.PROCESSED, null, null, "order", "A-1", time, 1);
	}

}
