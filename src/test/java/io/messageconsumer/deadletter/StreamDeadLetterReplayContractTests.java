package io.messageconsumer.deadletter;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.StreamEntries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter replay contract over streams, and the dead letters only streams write,
 * replayed: an order delivered more than {@code max-deliveries} times, and an entry without a
 * {@code payload} field once an operator fixed it; both processed, and removed from the
 * dead-letter stream.
 */
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=orders-stream",
		"consumer.streams.group=workers", "consumer.streams.consumer-name=replica-a",
		"consumer.streams.claim-min-idle=1s", "consumer.streams.max-deliveries=3", "consumer.streams.block=200ms" })
class StreamDeadLetterReplayContractTests extends DeadLetterReplayContractTests {

	@Override
	protected Source source() {
		return Source.stream("workers");
	}

	@Test
	void replaysAnOrderDeadLetteredAsDeliveredTooOftenAndRemovesItsDeadLetter() {
		this.service.awaitReady(Duration.ofSeconds(30));
		String id = Orders.uniqueId("S");
		StreamEntries.deliveredThreeTimes(this.service.redis(), "workers", "orders-stream", Orders.order(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterWithField("id", id) != null);
		Map<String, String> letter = deadLetterWithField("id", id);
		assertThat(letter).containsEntry("reason", "max_deliveries")
			.containsEntry("source", "stream")
			.containsEntry("channel", "orders-stream")
			.containsEntry("type", "order")
			.containsEntry("id", id)
			.containsEntry("payload", Orders.order(id));
		assertThat(this.service.hasOrder(id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> source().settled(this.service.redis(), "orders"));

		Http.Response response = this.service.post("/actuator/deadletters/replay", "{\"reason\":\"max_deliveries\"}");

		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode report = response.json();
		assertThat(report.path("replayed").asInt()).isEqualTo(1);
		assertThat(report.path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(this.service.orderField(id, "status")).isEqualTo("received");
		assertThat(deadLetterWithField("id", id)).as("removed once processed").isNull();
	}

	@Test
	void replaysAnEntryWithoutPayloadOnceAnOperatorFixedItsDeadLetter() {
		this.service.awaitReady(Duration.ofSeconds(30));
		String id = Orders.uniqueId("S");
		String order = Orders.order(id);
		// The publisher put the message in a field named "body": the consumer reads only "payload".
		this.service.redis().opsForStream().add(MapRecord.create("orders-stream", Map.of("body", order)));
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterWithField("field.body", order) != null);
		Map<String, String> letter = deadLetterWithField("field.body", order);
		assertThat(letter).containsEntry("reason", "invalid_json").containsEntry("payload", "");
		assertThat(letter.get("detail")).endsWith("has no 'payload' field (fields: body)");
		String letterId = entryIdWithField("field.body", order);

		// Replayed as it is, it fails again and keeps its dead letter.
		JsonNode unfixed = this.service.post("/actuator/deadletters/replay", "{\"reason\":\"invalid_json\"}").json();
		assertThat(unfixed.path("stillFailing").asInt()).isEqualTo(1);
		assertThat(deadLetterWithField("field.body", order)).isNotNull();

		// The fix: the message, from the entry's field, as the payload of a dead letter in place of the old one.
		this.service.redis()
			.opsForStream()
			.add(MapRecord.create(STREAM, Map.of("reason", "invalid_json", "source", "stream", "channel",
					"orders-stream", "payload", letter.get("field.body"))));
		this.service.redis().opsForStream().delete(STREAM, letterId);
		Http.Response response = this.service.post("/actuator/deadletters/replay", "{\"reason\":\"invalid_json\"}");

		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.json().path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(response.json().path("removed").asInt()).isEqualTo(1);
		assertThat(this.service.orderField(id, "status")).isEqualTo("received");
		assertThat(this.service.probe().entries(STREAM))
			.noneMatch((entry) -> String.valueOf(entry.get("payload")).contains(id)
					|| String.valueOf(entry.get("field.body")).contains(id));
	}

	private String entryIdWithField(String field, String value) {
		return this.service.redis()
			.opsForStream()
			.range(STREAM, Range.unbounded())
			.stream()
			.filter((letter) -> value.equals(letter.getValue().get(field)))
			.map((letter) -> letter.getId().getValue())
			.findFirst()
			.orElseThrow();
	}

	private Map<String, String> deadLetterWithField(String field, String value) {
		return this.service.probe()
			.entries(STREAM)
			.stream()
			.filter((letter) -> value.equals(letter.get(field)))
			.findFirst()
			.orElse(null);
	}

}
