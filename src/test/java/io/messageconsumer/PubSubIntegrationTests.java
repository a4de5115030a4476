package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.RedisProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service end to end over pub/sub, against a real Redis.
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestPropertySource(properties = { "consumer.channels=orders,notifications,corpus",
		"consumer.patterns=tenant.*.events", "consumer.concurrency=1", "consumer.max-message-bytes=65536",
		"consumer.retry.initial-backoff=1ms" })
class PubSubIntegrationTests {

	private static final String DEAD_LETTERS = "consumer:dead-letter";

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	private RedisProbe probe;

	@BeforeEach
	void awaitConsuming() {
		this.probe = new RedisProbe(this.redis);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
	}

	@Test
	void routesPlainOrderToOrderHandler() {
		String id = uniqueId();
		double before = count("order", "processed");
		this.probe.publish("orders", """
				{"type":"order","id":"%s","customerId":"c-7","items":[{"sku":"SKU-1","quantity":2,"unitPrice":9.5}],\
				"total":19.0,"currency":"EUR"}""".formatted(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		Map<Object, Object> order = this.redis.opsForHash().entries("orders:" + id);
		assertThat(order).containsEntry("id", id)
			.containsEntry("customerId", "c-7")
			.containsEntry("total", "19.0")
			.containsEntry("currency", "EUR")
			.containsEntry("status", "received")
			.containsKey("receivedAt");
		assertThat((String) order.get("items")).contains("\"sku\":\"SKU-1\"").contains("\"quantity\":2");
		await().until(() -> count("order", "processed") == before + 1);
	}

	@Test
	void routesCloudEventsOrderToOrderHandler() {
		String id = uniqueId();
		this.probe.publish("orders", """
				{"specversion":"1.0","type":"order","source":"/shop","id":"%s","time":"2026-11-24T10:00:00Z",\
				"data":{"id":"%s","total":19.0,"currency":"EUR"}}""".formatted(id, id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		assertThat(this.redis.opsForHash().get("orders:" + id, "status")).isEqualTo("received");
		assertThat(this.meters.find("consumer.delivery.latency").tag("type", "order").timer()).isNotNull();
	}

	@Test
	void processesNotificationsInBothForms() {
		double before = count("notification", "processed");
		this.probe.publish("notifications", "{\"type\":\"notification\",\"id\":\"n-1\",\"message\":\"Your order shipped\","
				+ "\"recipient\":\"c-7\"}");
		this.probe.publish("notifications", "{\"specversion\":\"1.0\",\"type\":\"notification\",\"source\":\"/x\","
				+ "\"id\":\"n-2\",\"data\":{\"message\":\"hello\"}}");
		await().atMost(Duration.ofSeconds(10)).until(() -> count("notification", "processed") == before + 2);
	}

	@Test
	void countsResentOrderAsDuplicateAndChangesNothing() {
		String id = uniqueId();
		String order = "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1,\"currency\":\"EUR\"}";
		double duplicates = count("order", "duplicate");
		this.probe.publish("orders", order);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		Object receivedAt = this.redis.opsForHash().get("orders:" + id, "receivedAt");
		this.probe.publish("orders", order.replace("\"total\":1", "\"total\":2"));
		await().atMost(Duration.ofSeconds(10)).until(() -> count("order", "duplicate") == duplicates + 1);
		assertThat(this.redis.opsForHash().get("orders:" + id, "total")).isEqualTo("1");
		assertThat(this.redis.opsForHash().get("orders:" + id, "receivedAt")).isEqualTo(receivedAt);
	}

	@Test
	void storesABurstOfOrdersInBatchesEachIdOnceAndCountsRepeatsAsDuplicates() {
		String run = uniqueId();
		double processed = count("order", "processed");
		double duplicates = count("order", "duplicate");
		byte[] channel = "orders".getBytes(StandardCharsets.UTF_8);
		List<byte[]> messages = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			// Every tenth order repeats the one just before it, often in the same batch.
			int number = (i % 10 == 9) ? i - 1 : i;
			messages.add(("{\"type\":\"order\",\"id\":\"" + run + "-" + number + "\",\"total\":" + i + "}")
				.getBytes(StandardCharsets.UTF_8));
		}
		this.redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> {
			messages.forEach((message) -> connection.publish(channel, message));
			return null;
		});
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("order", "processed") + count("order", "duplicate") == processed + duplicates + 2000);
		assertThat(count("order", "processed") - processed).isEqualTo(1800);
		assertThat(count("order", "duplicate") - duplicates).isEqualTo(200);
		assertThat(this.redis.keys("orders:" + run + "-*")).hasSize(1800);
		// The first of each repeated pair won: its total is stored, the repeat changed nothing.
		assertThat(this.redis.opsForHash().get("orders:" + run + "-8", "total")).isEqualTo("8");
	}

	@Test
	void consumesPatternSubscriptionsWithThePatternAsMeterTag() {
		String id = uniqueId();
		this.probe.publish("tenant.acme.events", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		assertThat(this.meters.find("consumer.messages.received")
			.tags("source", "pubsub", "channel", "tenant.*.events")
			.counter()).isNotNull();
	}

	@Test
	void deadLettersEveryMalformedInputWithItsReasonAndProcessesEveryValidOne() {
		List<Malformed> corpus = MalformedCorpus.inputs();
		assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
		int deadLettersBefore = this.probe.deadLetters(DEAD_LETTERS, "corpus").size();
		List<String> validIds = new ArrayList<>();
		for (Malformed input : corpus) {
			String id = uniqueId();
			validIds.add(id);
			this.probe.publish("corpus", "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":5,\"currency\":\"EUR\"}");
			this.probe.publish("corpus", input.bytes());
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.probe.deadLetters(DEAD_LETTERS, "corpus").size() - deadLettersBefore == corpus.size());
		assertThat(validIds).allSatisfy((id) -> assertThat(this.redis.hasKey("orders:" + id)).isTrue());
		List<Map<String, String>> entries = this.probe.deadLetters(DEAD_LETTERS, "corpus")
			.subList(deadLettersBefore, deadLettersBefore + corpus.size());
		// Decoding rejections happen on the way in, validation on the workers: compare without order.
		List<String> expected = corpus.stream().map((input) -> input.reason() + " " + storedPayload(input)).toList();
		List<String> actual = entries.stream().map((entry) -> entry.get("reason") + " " + entry.get("payload")).toList();
		assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(entries).allSatisfy((entry) -> {
			assertThat(entry).containsEntry("source", "pubsub").containsKeys("detail", "attempts", "at");
			assertThat(entry.get("detail").getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
		});
		assertThat(Http.get(this.port, "/actuator/health").healthStatus()).isEqualTo("UP");
	}

	@Test
	void reportsHealthWithConsumerDetails() {
		Http.Response health = Http.get(this.port, "/actuator/health/consumer");
		assertThat(health.status()).isEqualTo(200);
		JsonNode details = health.json().path("details");
		assertThat(details.path("mode").asString()).isEqualTo("pubsub");
		assertThat(details.path("channels").toString()).contains("orders", "notifications", "corpus");
		assertThat(details.path("patterns").toString()).contains("tenant.*.events");
		assertThat(details.path("state").asString()).isEqualTo("consuming");
		assertThat(details.has("lastMessageAt")).isTrue();
		assertThat(details.has("queueDepth")).isTrue();
		assertThat(details.has("inFlight")).isTrue();
		assertThat(Http.get(this.port, "/actuator/health/liveness").healthStatus()).isEqualTo("UP");
		JsonNode readiness = Http.get(this.port, "/actuator/health/readiness").json();
		assertThat(readiness.path("components").has("redis")).isTrue();
		assertThat(readiness.path("components").has("consumer")).isTrue();
		assertThat(Http.get(this.port, "/actuator/health/liveness").json().path("components").has("redis")).isFalse();
	}

	@Test
	void reportsThroughput() {
		String id = uniqueId();
		this.probe.publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode body = Http.get(this.port, "/actuator/consumer").json();
			assertThat(body.path("totals").path("processed").asLong()).isPositive();
			assertThat(body.path("types").path("order").path("processed").asLong()).isPositive();
			assertThat(body.path("messagesPerSecond").has("10s")).isTrue();
			assertThat(body.path("messagesPerSecond").has("1m")).isTrue();
			assertThat(body.path("messagesPerSecond").has("5m")).isTrue();
			assertThat(body.path("messagesPerSecond").path("10s").asDouble()).isPositive();
			assertThat(body.has("queueDepth")).isTrue();
			assertThat(body.has("inFlight")).isTrue();
			assertThat(body.has("deadLetters")).isTrue();
			assertThat(body.has("uptime")).isTrue();
		});
	}

	@Test
	void exposesMetricsPrometheusAndInfo() {
		String id = uniqueId();
		this.probe.publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String prometheus = Http.get(this.port, "/actuator/prometheus").body();
			assertThat(prometheus).contains("consumer_messages_total{", "consumer_messages_received_total{",
					"consumer_handler_duration_seconds_bucket{", "consumer_queue_depth", "consumer_in_flight",
					"consumer_dead_letters_total{", "consumer_redis_reconnects_total{");
		});
		assertThat(Http.get(this.port, "/actuator/metrics/consumer.messages").status()).isEqualTo(200);
		assertThat(Http.get(this.port, "/actuator/info").json().path("build").path("artifact").asString())
			.isEqualTo("message-consumer");
	}

	@Test
	void keepsCanaryProbesAwayFromHandlersAndMeters() {
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
				Http.get(this.port, "/actuator/health/consumer").json().path("details").path("sources").path("pubsub")
					.path("canaryLastSeenAt").asString()).isNotEqualTo("null"));
		assertThat(this.meters.find("consumer.messages.received").counters())
			.noneMatch((counter) -> counter.getId().getTag("channel").startsWith("consumer:canary"));
		assertThat(this.meters.find("consumer.messages").tag("type", "unknown").counters())
			.allSatisfy((counter) -> assertThat(counter.getId().getTag("outcome")).isEqualTo("rejected"));
	}

	@Test
	void exposesNoOtherActuatorEndpoint() {
		for (String endpoint : List.of("env", "heapdump", "beans", "configprops", "threaddump", "loggers", "shutdown",
				"mappings", "scheduledtasks", "conditions")) {
			assertThat(Http.get(this.port, "/actuator/" + endpoint).status()).as(endpoint).isEqualTo(404);
		}
	}

	/** The payload as the dead-letter entry keeps it (the first 1 KiB of a too large one), read as text. */
	private static String storedPayload(Malformed input) {
		byte[] bytes = input.reason().equals("too_large") ? Arrays.copyOf(input.bytes(), 1024) : input.bytes();
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private double count(String type, String outcome) {
		Counter counter = this.meters.find("consumer.messages").tags("type", type, "outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String uniqueId() {
		return "it-" + UUID.randomUUID();
	}

	/** A malformed input and the reason it must be dead-lettered with. */
	record Malformed(String name, byte[] bytes, String reason) {
	}

}
