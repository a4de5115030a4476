package io.messageconsumer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;

import io.messageconsumer.support.CloudEventsSdk;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.SourceContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every source promises, end to end against a real Redis, run once per source by
 * {@link PubSubSourceContractTests} and {@link StreamSourceContractTests}: orders and
 * notifications routed to their handlers in both envelope forms (also as the CloudEvents SDK writes
 * them, and a rejected event dead-lettered and counted under its type and id), a re-sent order counted as a
 * duplicate that changes nothing, a burst stored each id once, invalid JSON dead-lettered with
 * the source and channel, health and throughput. The subclass configures the service to consume
 * the logical channels {@code orders} and {@code notifications} (see {@link Source}).
 */
@RedisIntegrationTest
@AutoConfigureMetrics
abstract class SourceContractTests extends SourceContract {

	/**
	 * Assert the source's own part of the consumer health details.
	 * @param details {@code details} of {@code /actuator/health/consumer}
	 */
	protected abstract void assertSourceDetails(JsonNode details);

	@BeforeEach
	void awaitConsuming() {
		this.service.awaitReady(Duration.ofSeconds(30));
	}

	@Test
	void routesPlainOrderToOrderHandler() {
		String id = uniqueId();
		double before = this.service.messages("order", "processed");
		publish("orders", """
				{"type":"order","id":"%s","customerId":"c-7","items":[{"sku":"SKU-1","quantity":2,"unitPrice":9.5}],\
				"total":19.0,"currency":"EUR"}""".formatted(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		Map<Object, Object> order = this.service.order(id);
		assertThat(order).containsEntry("id", id)
			.containsEntry("customerId", "c-7")
			.containsEntry("total", "19.0")
			.containsEntry("currency", "EUR")
			.containsEntry("status", "received")
			.containsKey("receivedAt");
		assertThat((String) order.get("items")).contains("\"sku\":\"SKU-1\"").contains("\"quantity\":2");
		await().until(() -> this.service.messages("order", "processed") == before + 1);
		awaitSettled("orders");
	}

	@Test
	void routesCloudEventsOrderToOrderHandler() {
		String id = uniqueId();
		publish("orders", """
				{"specversion":"1.0","type":"order","source":"/shop","id":"%s","time":"2026-11-24T10:00:00Z",\
				"data":{"id":"%s","total":19.0,"currency":"EUR"}}""".formatted(id, id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		assertThat(this.service.orderField(id, "status")).isEqualTo("received");
		assertThat(this.service.meters().find("consumer.delivery.latency").tag("type", "order").timer()).isNotNull();
	}

	@Test
	void processesNotificationsInBothForms() {
		double before = this.service.messages("notification", "processed");
		publish("notifications", "{\"type\":\"notification\",\"id\":\"n-1\",\"message\":\"Your order shipped\","
				+ "\"recipient\":\"c-7\"}");
		publish("notifications", "{\"specversion\":\"1.0\",\"type\":\"notification\",\"source\":\"/x\","
				+ "\"id\":\"n-2\",\"data\":{\"message\":\"hello\"}}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.messages("notification", "processed") == before + 2);
		awaitSettled("notifications");
	}

	@Test
	void countsResentOrderAsDuplicateAndChangesNothing() {
		String id = uniqueId();
		String order = "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1,\"currency\":\"EUR\"}";
		double duplicates = this.service.messages("order", "duplicate");
		publish("orders", order);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		Object receivedAt = this.service.orderField(id, "receivedAt");
		publish("orders", order.replace("\"total\":1", "\"total\":2"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.messages("order", "duplicate") == duplicates + 1);
		assertThat(this.service.orderField(id, "total")).isEqualTo("1");
		assertThat(this.service.orderField(id, "receivedAt")).isEqualTo(receivedAt);
		awaitSettled("orders");
	}

	@Test
	void storesABurstOfOrdersInBatchesEachIdOnceAndCountsRepeatsAsDuplicates() {
		String run = uniqueId();
		double processed = this.service.messages("order", "processed");
		double duplicates = this.service.messages("order", "duplicate");
		double received = received("orders");
		// Every tenth order repeats the one just before it, often in the same batch.
		source().publishPipelined(this.service.redis(), "orders", 2000, (i) -> "{\"type\":\"order\",\"id\":\"" + run
				+ "-" + ((i % 10 == 9) ? i - 1 : i) + "\",\"total\":" + i + "}");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.service.messages("order", "processed") + this.service.messages("order", "duplicate")
					== processed + duplicates + 2000);
		assertThat(this.service.messages("order", "processed") - processed).isEqualTo(1800);
		assertThat(this.service.messages("order", "duplicate") - duplicates).isEqualTo(200);
		assertThat(this.service.redis().keys("orders:" + run + "-*")).hasSize(1800);
		// The first of each repeated pair won: its total is stored, the repeat changed nothing.
		assertThat(this.service.orderField(run + "-8", "total")).isEqualTo("8");
		assertThat(received("orders") - received).isGreaterThanOrEqualTo(2000);
		awaitSettled("orders");
	}

	@Test
	void deadLettersInvalidJsonWithItsSourceAndChannel() {
		String marker = "not json " + uniqueId();
		publish("orders", marker);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.deadLetterWith("payload", marker) != null);
		assertThat(this.service.deadLetterWith("payload", marker)).containsEntry("reason", "invalid_json")
			.containsEntry("source", source().mode())
			.containsEntry("channel", source().destination("orders"))
			.containsKeys("detail", "attempts", "at");
		awaitSettled("orders");
		assertThat(this.service.health("consumer")).isEqualTo("UP");
	}

	@Test
	void reportsHealthWithConsumerDetails() {
		String id = uniqueId();
		publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		Http.Response health = this.service.get("/actuator/health/consumer");
		assertThat(health.status()).isEqualTo(200);
		JsonNode details = health.json().path("details");
		assertThat(details.path("mode").asString()).isEqualTo(source().mode());
		assertThat(details.path("state").asString()).isEqualTo("consuming");
		// An ISO-8601 instant once a message arrived (absent before the first one).
		assertThat(Instant.parse(details.path("lastMessageAt").asString())).isBefore(Instant.now().plusSeconds(1));
		assertThat(details.has("queueDepth")).isTrue();
		assertThat(details.has("inFlight")).isTrue();
		assertSourceDetails(details);
		assertThat(this.service.health("liveness")).isEqualTo("UP");
		JsonNode readiness = this.service.json("/actuator/health/readiness");
		assertThat(readiness.path("components").has("redis")).isTrue();
		assertThat(readiness.path("components").has("consumer")).isTrue();
		assertThat(this.service.json("/actuator/health/liveness").path("components").has("redis")).isFalse();
	}

	@Test
	void reportsThroughput() {
		String id = uniqueId();
		publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode body = this.service.json("/actuator/consumer");
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
	void handlesTheEventsOfTheCloudEventsSdk() {
		String binary = uniqueId();
		String sequenced = uniqueId();
		publish("orders", CloudEventsSdk.event("binary-data", "sdk-binary-1", binary));
		publish("orders", CloudEventsSdk.event("json-data-base64", "sdk-base64-1", sequenced + "-b"));
		publish("orders", CloudEventsSdk.event("numeric-sequence", "sdk-sequence-1", sequenced));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.hasOrder(binary) && this.service.hasOrder(sequenced)
					&& this.service.hasOrder(sequenced + "-b"));
		assertThat(this.service.order(binary)).containsEntry("total", "4.5").containsEntry("currency", "EUR");
		assertThat(this.service.order(sequenced + "-b")).containsEntry("total", "7");
	}

	@Test
	void deadLettersARejectedCloudEventUnderItsTypeAndId() {
		String xml = uniqueId();
		String oldVersion = uniqueId();
		String badBase64 = uniqueId();
		double rejectedBefore = this.service.messages("order", "rejected");
		publish("orders", CloudEventsSdk.event("xml-data", "sdk-xml-1", xml));
		publish("orders", """
				{"specversion":"0.3","type":"order","source":"/shop","id":"%s","data":{"id":"%s"}}"""
			.formatted(oldVersion, oldVersion));
		publish("orders", """
				{"specversion":"1.0","type":"order","source":"/shop","id":"%s","data_base64":"not base64"}"""
			.formatted(badBase64));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.deadLetterWith("id", xml) != null
					&& this.service.deadLetterWith("id", oldVersion) != null
					&& this.service.deadLetterWith("id", badBase64) != null);
		assertThat(this.service.deadLetterWith("id", xml)).containsEntry("type", "order")
			.containsEntry("reason", "unsupported_content_type")
			.containsEntry("detail",
					"CloudEvents datacontenttype 'application/xml' is not JSON; expected application/json or a +json type");
		assertThat(this.service.deadLetterWith("id", oldVersion)).containsEntry("type", "order")
			.containsEntry("reason", "invalid_payload");
		assertThat(this.service.deadLetterWith("id", badBase64)).containsEntry("type", "order")
			.containsEntry("reason", "invalid_payload");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.service.messages("order", "rejected")).isEqualTo(rejectedBefore + 3));
	}

	/** {@code consumer.messages.received} of this source on a logical channel. */
	protected double received(String name) {
		return this.service.counter("consumer.messages.received", "source", source().mode(), "channel",
				source().destination(name));
	}

	protected static String uniqueId() {
		return Orders.uniqueId("it");
	}

}
