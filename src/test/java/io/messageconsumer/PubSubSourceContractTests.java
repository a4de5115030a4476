package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisProbe;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source contract over pub/sub, and what only pub/sub has: pattern subscriptions, the
 * malformed corpus published as raw bytes, canary probes; and what the service shows whatever
 * its source (Prometheus, info, no other actuator endpoint), checked here once.
 */
@TestPropertySource(properties = { "consumer.channels=orders,notifications,corpus",
		"consumer.patterns=tenant.*.events", "consumer.concurrency=1", "consumer.max-message-bytes=65536",
		"consumer.retry.initial-backoff=1ms" })
class PubSubSourceContractTests extends SourceContractTests {

	@Override
	protected Source source() {
		return Source.pubSub();
	}

	@Override
	protected void assertSourceDetails(JsonNode details) {
		assertThat(details.path("channels").toString()).contains("orders", "notifications", "corpus");
		assertThat(details.path("patterns").toString()).contains("tenant.*.events");
		assertThat(details.has("streams")).isFalse();
	}

	@Test
	void consumesPatternSubscriptionsWithThePatternAsMeterTag() {
		String id = uniqueId();
		this.service.publish("tenant.acme.events", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		assertThat(this.service.meters()
			.find("consumer.messages.received")
			.tags("source", "pubsub", "channel", "tenant.*.events")
			.counter()).isNotNull();
	}

	@Test
	void deadLettersEveryMalformedInputWithItsReasonAndProcessesEveryValidOne() {
		RedisProbe probe = this.service.probe();
		List<Malformed> corpus = MalformedCorpus.inputs();
		assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
		int deadLettersBefore = probe.deadLetters(ServiceUnderTest.DEAD_LETTERS, "corpus").size();
		List<String> validIds = new ArrayList<>();
		for (Malformed input : corpus) {
			String id = uniqueId();
			validIds.add(id);
			probe.publish("corpus", "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":5,\"currency\":\"EUR\"}");
			probe.publish("corpus", input.bytes());
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> probe.deadLetters(ServiceUnderTest.DEAD_LETTERS, "corpus").size()
					- deadLettersBefore == corpus.size());
		assertThat(validIds).allSatisfy((id) -> assertThat(this.service.hasOrder(id)).isTrue());
		List<Map<String, String>> entries = probe.deadLetters(ServiceUnderTest.DEAD_LETTERS, "corpus")
			.subList(deadLettersBefore, deadLettersBefore + corpus.size());
		// Decoding rejections happen on the way in, validation on the workers: compare without order.
		List<String> expected = corpus.stream().map((input) -> input.reason() + " " + storedPayload(input)).toList();
		List<String> actual = entries.stream().map((entry) -> entry.get("reason") + " " + entry.get("payload")).toList();
		assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(entries).allSatisfy((entry) -> {
			assertThat(entry).containsEntry("source", "pubsub").containsKeys("detail", "attempts", "at");
			assertThat(entry.get("detail").getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
		});
		assertThat(this.service.get("/actuator/health").healthStatus()).isEqualTo("UP");
	}

	@Test
	void exposesMetricsPrometheusAndInfo() {
		String id = uniqueId();
		this.service.publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String prometheus = this.service.get("/actuator/prometheus").body();
			assertThat(prometheus).contains("consumer_messages_total{", "consumer_messages_received_total{",
					"consumer_handler_duration_seconds_bucket{", "consumer_queue_depth", "consumer_in_flight",
					"consumer_dead_letters_total{", "consumer_redis_reconnects_total{");
		});
		assertThat(this.service.get("/actuator/metrics/consumer.messages").status()).isEqualTo(200);
		assertThat(this.service.json("/actuator/info").path("build").path("artifact").asString())
			.isEqualTo("message-consumer");
	}

	@Test
	void keepsCanaryProbesAwayFromHandlersAndMeters() {
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.service.json("/actuator/health/consumer")
				.path("details")
				.path("sources")
				.path("pubsub")
				.path("canaryLastSeenAt")
				.isString()).isTrue());
		assertThat(this.service.meters().find("consumer.messages.received").counters())
			.noneMatch((counter) -> counter.getId().getTag("channel").startsWith("consumer:canary"));
		assertThat(this.service.meters().find("consumer.messages").tag("type", "unknown").counters())
			.allSatisfy((counter) -> assertThat(counter.getId().getTag("outcome")).isEqualTo("rejected"));
	}

	@Test
	void exposesNoOtherActuatorEndpoint() {
		for (String endpoint : List.of("env", "heapdump", "beans", "configprops", "threaddump", "loggers", "shutdown",
				"mappings", "scheduledtasks", "conditions")) {
			assertThat(this.service.get("/actuator/" + endpoint).status()).as(endpoint).isEqualTo(404);
		}
	}

	/** The payload as the dead-letter entry keeps it (the first 1 KiB of a too large one), read as text. */
	private static String storedPayload(Malformed input) {
		byte[] bytes = input.reason().equals("too_large") ? Arrays.copyOf(input.bytes(), 1024) : input.bytes();
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** A malformed input and the reason it must be dead-lettered with. */
	record Malformed(String name, byte[] bytes, String reason) {
	}

}
