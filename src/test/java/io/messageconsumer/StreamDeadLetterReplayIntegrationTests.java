package io.messageconsumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.RedisProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters that came from a stream replayed through {@code /actuator/deadletters/replay}: an
 * order delivered more than {@code max-deliveries} times, and an entry without a {@code payload}
 * field once an operator fixed it; both processed, and removed from the dead-letter stream.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=orders-stream",
		"consumer.streams.group=workers", "consumer.streams.consumer-name=replica-a",
		"consumer.streams.claim-min-idle=1s", "consumer.streams.max-deliveries=3", "consumer.streams.block=200ms",
		"consumer.dead-letter.replay-enabled=true", "consumer.concurrency=1" })
class StreamDeadLetterReplayIntegrationTests {

	private static final String DEAD_LETTERS = "consumer:dead-letter";

	private static final RedisScript<String> ADD_AND_READ = RedisScript.of("""
			local id = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])
			redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
			return id""", String.class);

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Test
	void replaysAnOrderDeadLetteredAsDeliveredTooOftenAndRemovesItsDeadLetter() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
		RedisProbe probe = new RedisProbe(this.redis);
		String id = "S-" + UUID.randomUUID();
		// Read by a replica that crashed, then claimed twice by replicas that crashed too: three deliveries.
		RecordId entry = RecordId.of(this.redis.execute(ADD_AND_READ, List.of("orders-stream"), order(id), "workers",
				"crasher"));
		for (int i = 0; i < 2; i++) {
			this.redis.opsForStream().claim("orders-stream", "workers", "crasher", Duration.ZERO, entry);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterOf(probe, id) != null);
		Map<String, String> letter = deadLetterOf(probe, id);
		assertThat(letter).containsEntry("reason", "max_deliveries")
			.containsEntry("source", "stream")
			.containsEntry("channel", "orders-stream")
			.containsEntry("type", "order")
			.containsEntry("id", id)
			.containsEntry("payload", order(id));
		assertThat(this.redis.hasKey("orders:" + id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.redis.opsForStream().pending("orders-stream", "workers").getTotalPendingMessages() == 0);

		Http.Response response = Http.post(this.port, "/actuator/deadletters/replay", "{\"reason\":\"max_deliveries\"}");

		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode report = response.json();
		assertThat(report.path("replayed").asInt()).isEqualTo(1);
		assertThat(report.path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(this.redis.opsForHash().get("orders:" + id, "status")).isEqualTo("received");
		assertThat(deadLetterOf(probe, id)).as("removed once processed").isNull();
	}

	@Test
	void replaysAnEntryWithoutPayloadOnceAnOperatorFixedItsDeadLetter() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
		RedisProbe probe = new RedisProbe(this.redis);
		String id = "S-" + UUID.randomUUID();
		// The publisher put the message in a field named "body": the consumer reads only "payload".
		this.redis.opsForStream().add(MapRecord.create("orders-stream", Map.of("body", order(id))));
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterWithField(probe, "field.body", order(id)) != null);
		Map<String, String> letter = deadLetterWithField(probe, "field.body", order(id));
		assertThat(letter).containsEntry("reason", "invalid_json").containsEntry("payload", "");
		assertThat(letter.get("detail")).endsWith("has no 'payload' field (fields: body)");
		String letterId = entryIdWithField("field.body", order(id));

		// Replayed as it is, it fails again and keeps its dead letter.
		JsonNode unfixed = Http.post(this.port, "/actuator/deadletters/replay", "{\"reason\":\"invalid_json\"}").json();
		assertThat(unfixed.path("stillFailing").asInt()).isEqualTo(1);
		assertThat(deadLetterWithField(probe, "field.body", order(id))).isNotNull();

		// The fix: the message, from the entry's field, as the payload of a dead letter in place of the old one.
		this.redis.opsForStream()
			.add(MapRecord.create(DEAD_LETTERS, Map.of("reason", "invalid_json", "source", "stream", "channel",
					"orders-stream", "payload", letter.get("field.body"))));
		this.redis.opsForStream().delete(DEAD_LETTERS, letterId);
		Http.Response response = Http.post(this.port, "/actuator/deadletters/replay", "{\"reason\":\"invalid_json\"}");

		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.json().path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(response.json().path("removed").asInt()).isEqualTo(1);
		assertThat(this.redis.opsForHash().get("orders:" + id, "status")).isEqualTo("received");
		assertThat(probe.entries(DEAD_LETTERS)).noneMatch((entry) -> String.valueOf(entry.get("payload")).contains(id)
				|| String.valueOf(entry.get("field.body")).contains(id));
	}

	private String entryIdWithField(String field, String value) {
		return this.redis.opsForStream()
			.range(DEAD_LETTERS, Range.unbounded())
			.stream()
			.filter((letter) -> value.equals(letter.getValue().get(field)))
			.map((letter) -> letter.getId().getValue())
			.findFirst()
			.orElseThrow();
	}

	private static Map<String, String> deadLetterOf(RedisProbe probe, String id) {
		return deadLetterWithField(probe, "id", id);
	}

	private static Map<String, String> deadLetterWithField(RedisProbe probe, String field, String value) {
		return probe.entries(DEAD_LETTERS)
			.stream()
			.filter((letter) -> value.equals(letter.get(field)))
			.findFirst()
			.orElse(null);
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

}
