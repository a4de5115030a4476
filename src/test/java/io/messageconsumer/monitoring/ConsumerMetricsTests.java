package io.messageconsumer.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
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
		// Registered at start-up: order with each outcome, unknown with rejected; none added since.
		assertThat(this.registry.find("consumer.messages").counters()).hasSize(Outcome.values().length + 1);
		assertThat(this.metrics.totalsByOutcome()).containsEntry("processed", 3L).containsEntry("rejected", 1L);
	}

	@Test
	void registersEveryOutcomeOfEachHandledTypeAtZeroBeforeAnyMessage() {
		for (Outcome outcome : Outcome.values()) {
			assertThat(this.registry.get("consumer.messages").tag("type", "order").tag("outcome", outcome.tag())
				.counter().count()).as(outcome.tag()).isZero();
		}
		assertThat(this.registry.get("consumer.messages").tag("type", "unknown").tag("outcome", "rejected").counter()
			.count()).isZero();
		assertThat(this.registry.find("consumer.messages").tag("type", "unknown").counters()).hasSize(1);
		assertThat(this.registry.get("consumer.retries").tag("type", "order").counter().count()).isZero();
		assertThat(this.metrics.totalsByType()).containsOnlyKeys("order", "unknown");
	}

	@Test
	void countsEachRetryOfItsType() {
		InboundMessage message = message("orders");
		Envelope envelope = new Envelope("order", "A-1", null, null, null, (JsonNode) null);
		this.metrics.onRetry(message, envelope);
		this.metrics.onRetry(message, envelope);
		assertThat(this.registry.get("consumer.retries").tag("type", "order").counter().count()).isEqualTo(2);
	}

	@Test
	void recordsHandlerDurationOnlyOfMessagesThatReachedAHandler() {
		this.metrics.onOutcome(message("orders"), new Disposition(Outcome.REJECTED, DeadLetterReason.INVALID_PAYLOAD,
				"id: must not be blank", "order", null, null, 0));
		this.metrics.onOutcome(message("orders"),
				new Disposition(Outcome.REJECTED, DeadLetterReason.OVERFLOW, "lane full", "order", "A-2", null, 0));
		this.metrics.onOutcome(message("orders"), new Disposition(Outcome.FAILED, DeadLetterReason.HANDLER_FAILED,
				"boom", "order", "A-3", null, 3));
		assertThat(this.registry.find("consumer.handler.duration").tag("outcome", "rejected").timer()).isNull();
		assertThat(this.registry.get("consumer.handler.duration").tag("type", "order").tag("outcome", "failed").timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("consumer.messages").tag("type", "order").tag("outcome", "rejected").counter()
			.count()).isEqualTo(2);
	}

	@Test
	void deliveryLatencyBucketsReachAnHour() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		ConsumerMetrics exported = new ConsumerMetrics(prometheus, Set.of("order"), "reject");
		exported.onOutcome(message("orders"), processed(Instant.now().minus(Duration.ofMinutes(50))));
		String scrape = prometheus.scrape();
		// Fifty minutes late falls in the one-hour bucket, not only in +Inf (the top used to be 30 s).
		assertThat(scrape).contains("consumer_delivery_latency_seconds_bucket{type=\"order\",le=\"3600.0\"} 1");
		Matcher bucket = Pattern.compile("consumer_delivery_latency_seconds_bucket\\{type=\"order\",le=\"([0-9.E]+)\"} (\\d+)")
			.matcher(scrape);
		int below = 0;
		while (bucket.find()) {
			if (Double.parseDouble(bucket.group(1)) < 2700) {
				assertThat(bucket.group(2)).as("bucket %s", bucket.group(1)).isEqualTo("0");
				below++;
			}
		}
		assertThat(below).isGreaterThan(50);
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
