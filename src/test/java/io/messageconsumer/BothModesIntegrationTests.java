package io.messageconsumer;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code consumer.mode=both}: one pipeline fed by pub/sub and a stream at once, healthy only while
 * both consume.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.mode=both", "consumer.channels=orders",
		"consumer.streams.keys=orders-stream", "consumer.streams.block=200ms" })
class BothModesIntegrationTests {

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Test
	void consumesFromPubSubAndStreamThroughOnePipeline() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/consumer").healthStatus()));
		JsonNode details = Http.get(this.port, "/actuator/health/consumer").json().path("details");
		assertThat(details.path("mode").asString()).isEqualTo("both");
		assertThat(details.path("sources").has("pubsub")).isTrue();
		assertThat(details.path("sources").has("stream")).isTrue();
		String published = "B-" + UUID.randomUUID();
		String added = "B-" + UUID.randomUUID();
		this.redis.convertAndSend("orders", "{\"type\":\"order\",\"id\":\"" + published + "\"}");
		this.redis.opsForStream()
			.add(MapRecord.create("orders-stream", Map.of("payload", "{\"type\":\"order\",\"id\":\"" + added + "\"}")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.redis.hasKey("orders:" + published) && this.redis.hasKey("orders:" + added));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.redis.opsForStream().pending("orders-stream", "message-consumer").getTotalPendingMessages() == 0);
	}

}
