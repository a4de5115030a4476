package io.messageconsumer.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators read, in {@code consumer.mode=both} against a real Redis: the health details from
 * the first probe after readiness (no {@code "null"} strings, channels and streams), every series
 * at 0 from start-up, and the meters for dashboards and
 * alerts (retries, each source consuming, the last message's age, the build, the dead-letter
 * stream's length, the handler duration of handled messages only).
 * <p>
 * The first {@code @BeforeEach} keeps what the service answered right after readiness turned
 * {@code UP}, before any test published anything, whichever test runs first.
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestHandlers
@TestPropertySource(properties = { "consumer.mode=both", "consumer.channels=signals-orders",
		"consumer.streams.keys=signals-stream,signals-idle-stream", "consumer.streams.block=200ms",
		"consumer.dead-letter.stream=signals-dead-letter", "consumer.retry.initial-backoff=1ms" })
class OperatorSignalsIntegrationTests {

	private static final String DEAD_LETTERS = "signals-dead-letter";

	/** Fails the first two attempts at each message, then processes it. */
	static final MessageHandler<Flaky> FLAKY = TestHandler.of("flaky", Flaky.class, (message, context) -> {
		if (context.attempt() < 3) {
			throw new IllegalStateException("attempt " + context.attempt());
		}
		return HandlerResult.PROCESSED;
	});

	/** What the service answered right after readiness turned UP, before anything was published. */
	private static volatile AtStart atStart;

	@Autowired
	private ServiceUnderTest service;

	@BeforeEach
	void awaitReadyOnceAndKeepTheFirstAnswers() {
		synchronized (OperatorSignalsIntegrationTests.class) {
			if (atStart == null) {
				this.service.awaitReady(Duration.ofSeconds(30));
				atStart = new AtStart(this.service.json("/actuator/health/consumer").path("details"),
						this.service.get("/actuator/prometheus").body(), lastMessageAgeSeconds(),
						deadLetterStreamLength(), this.service.redis().opsForStream().size(DEAD_LETTERS));
			}
		}
	}

	@Test
	void answersTheFirstProbeAfterReadinessWithoutNullStrings() {
		JsonNode details = atStart.health();
		// Both modes: the channels and the streams.
		assertThat(details.path("channels").toString()).contains("signals-orders");
		assertThat(details.has("patterns")).isTrue();
		assertThat(details.path("streams").toString()).contains("signals-stream", "signals-idle-stream");
		assertThat(details.has("lastMessageAt")).as("no message yet: %s", details).isFalse();
		JsonNode canary = details.path("sources").path("pubsub").path("canaryLastSeenAt");
		assertThat(canary.isMissingNode() || isInstant(canary)).as("canaryLastSeenAt: %s", canary).isTrue();
		assertThat(details.toString()).doesNotContain("\"null\"");
	}

	@Test
	void showsWhenTheLastMessageArrivedOnceOneDid() {
		consumeAnOrder();
		JsonNode details = this.service.json("/actuator/health/consumer").path("details");
		assertThat(isInstant(details.path("lastMessageAt"))).as("lastMessageAt: %s", details).isTrue();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> isInstant(this.service.json("/actuator/health/consumer")
				.path("details").path("sources").path("pubsub").path("canaryLastSeenAt")));
	}

	@Test
	void exposesEverySeriesAtZeroFromStartUp() {
		// No test here sends a notification, nor uses signals-idle-stream: these series are still at 0.
		String prometheus = atStart.prometheus();
		for (String outcome : new String[] { "processed", "duplicate", "rejected", "failed" }) {
			assertThat(prometheus).contains("consumer_messages_total{outcome=\"" + outcome + "\",type=\"notification\"} 0.0");
		}
		assertThat(prometheus).contains("consumer_messages_total{outcome=\"rejected\",type=\"unknown\"} 0.0")
			.doesNotContain("consumer_messages_total{outcome=\"processed\",type=\"unknown\"}")
			.contains("consumer_retries_total{type=\"notification\"} 0.0")
			.contains("consumer_dead_letters_total{reason=\"handler_failed\"} 0.0")
			.contains("consumer_dead_letters_total{reason=\"unknown_type\"} 0.0")
			.contains("consumer_stream_acknowledged_total{stream=\"signals-idle-stream\"} 0.0")
			.contains("consumer_stream_claimed_total{stream=\"signals-idle-stream\"} 0.0");
		assertThat(this.service.get("/actuator/prometheus").body())
			.contains("consumer_messages_total{outcome=\"failed\",type=\"notification\"} 0.0");
	}

	@Test
	void tagsStreamCountersWithTheirStream() {
		String id = Orders.uniqueId("signals");
		double before = this.service.counter("consumer.stream.acknowledged", "stream", "signals-stream");
		this.service.redis().opsForStream()
			.add(MapRecord.create("signals-stream", Map.of("payload", "{\"type\":\"order\",\"id\":\"" + id + "\"}")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.counter("consumer.stream.acknowledged", "stream", "signals-stream") == before + 1);
		assertThat(this.service.counter("consumer.stream.acknowledged", "stream", "signals-idle-stream")).isZero();
	}

	@Test
	void countsEachRetryOfAFlakyHandler() {
		double retries = this.service.counter("consumer.retries", "type", "flaky");
		double processed = this.service.messages("flaky", "processed");
		this.service.publish("signals-orders", "{\"type\":\"flaky\",\"id\":\"" + Orders.uniqueId("flaky") + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.messages("flaky", "processed") == processed + 1);
		assertThat(this.service.counter("consumer.retries", "type", "flaky")).isEqualTo(retries + 2);
		assertThat(this.service.counter("consumer.retries", "type", "order")).isZero();
	}

	@Test
	void recordsHandlerDurationOnlyOfMessagesThatReachedAHandler() {
		double rejected = this.service.messages("order", "rejected");
		double unknown = this.service.messages("unknown", "rejected");
		// An order without an id fails validation before its handler; the second has no handler at all.
		this.service.publish("signals-orders", "{\"type\":\"order\",\"total\":1}");
		this.service.publish("signals-orders", "{\"type\":\"nobody-handles-this\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.messages("order", "rejected") == rejected + 1
				&& this.service.messages("unknown", "rejected") == unknown + 1);
		assertThat(this.service.meters().find("consumer.handler.duration").tag("outcome", "rejected").timers())
			.isEmpty();
		consumeAnOrder();
		Timer processed = this.service.meters()
			.find("consumer.handler.duration")
			.tags("type", "order", "outcome", "processed")
			.timer();
		assertThat(processed).isNotNull();
		assertThat(processed.count()).isPositive();
	}

	@Test
	void reportsEachSourceConsuming() {
		for (String source : new String[] { "pubsub", "stream" }) {
			assertThat(this.service.meters().get("consumer.source.consuming").tag("source", source).gauge().value())
				.as(source).isEqualTo(1);
		}
		assertThat(atStart.prometheus()).contains("consumer_source_consuming{source=\"pubsub\"}",
				"consumer_source_consuming{source=\"stream\"}");
	}

	@Test
	void agesFromStartUpUntilTheFirstMessageThenFromTheLastOne() {
		// Warm-up and subscribing take a second or more before readiness: that long without a message.
		assertThat(atStart.lastMessageAgeSeconds()).isGreaterThan(0.5);
		consumeAnOrder();
		assertThat(lastMessageAgeSeconds()).isLessThan(atStart.lastMessageAgeSeconds()).isLessThan(10);
		assertThat(atStart.prometheus()).contains("consumer_last_message_age_seconds ");
	}

	@Test
	void exposesTheBuildVersion() {
		String version = this.service.json("/actuator/info").path("build").path("version").asString();
		assertThat(version).isNotBlank();
		assertThat(this.service.meters().get("consumer.build.info").tag("version", version).gauge().value())
			.isEqualTo(1);
		assertThat(atStart.prometheus()).contains("consumer_build_info{java_version=\""
				+ System.getProperty("java.version") + "\",version=\"" + version + "\"} 1");
	}

	@Test
	void measuresTheDeadLetterStreamFromStartUp() {
		assertThat(atStart.deadLetterStreamLength()).isEqualTo(atStart.deadLetterStreamXlen().doubleValue());
		String marker = "not json " + Orders.uniqueId("signals");
		this.service.publish("signals-orders", marker);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.probe().entries(DEAD_LETTERS).stream()
				.anyMatch((entry) -> marker.equals(entry.get("payload"))));
		long length = this.service.redis().opsForStream().size(DEAD_LETTERS);
		assertThat(length).isPositive();
		await().atMost(Duration.ofSeconds(15)).until(() -> deadLetterStreamLength() == length);
	}

	private void consumeAnOrder() {
		String id = Orders.uniqueId("signals");
		this.service.publish("signals-orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
	}

	private double lastMessageAgeSeconds() {
		return this.service.meters().get("consumer.last.message.age").timeGauge().value(TimeUnit.SECONDS);
	}

	private double deadLetterStreamLength() {
		return this.service.meters().get("consumer.dead.letter.stream.length").gauge().value();
	}

	private static boolean isInstant(JsonNode node) {
		if (!node.isString()) {
			return false;
		}
		Instant.parse(node.asString());
		return true;
	}

	/** A message of the flaky handler. */
	record Flaky(String id) {
	}

	/** What the service answered right after readiness. */
	private record AtStart(JsonNode health, String prometheus, double lastMessageAgeSeconds,
			double deadLetterStreamLength, Long deadLetterStreamXlen) {
	}

}
