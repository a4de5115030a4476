package io.messageconsumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
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
 * A dead letter that came from a stream (an order delivered more than {@code max-deliveries}
 * times) replayed through {@code /actuator/deadletters/replay}: processed, and removed from the
 * dead-letter stream.
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

	private static Map<String, String> deadLetterOf(RedisProbe probe, String id) {
		// Dead-lettered before it was decoded: the payload names the order, no id field does.
		return probe.entries(DEAD_LETTERS)
			.stream()
			.filter((letter) -> letter.get("payload").contains(id))
			.findFirst()
			.orElse(null);
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

}
