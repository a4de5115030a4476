package io.messageconsumer;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

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
	private ServiceUnderTest service;

	@Test
	void consumesFromPubSubAndStreamThroughOnePipeline() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		JsonNode details = this.service.get("/actuator/health/consumer").json().path("details");
		assertThat(details.path("mode").asString()).isEqualTo("both");
		assertThat(details.path("sources").has("pubsub")).isTrue();
		assertThat(details.path("sources").has("stream")).isTrue();
		// Both modes consume channels and streams: the details list both.
		assertThat(details.path("channels").toString()).contains("orders");
		assertThat(details.path("streams").toString()).contains("orders-stream");
		String published = "B-" + UUID.randomUUID();
		String added = "B-" + UUID.randomUUID();
		this.service.redis().convertAndSend("orders", "{\"type\":\"order\",\"id\":\"" + published + "\"}");
		this.service.redis().opsForStream()
			.add(MapRecord.create("orders-stream", Map.of("payload", "{\"type\":\"order\",\"id\":\"" + added + "\"}")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.hasOrder(published) && this.service.hasOrder(added));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.redis().opsForStream().pending("orders-stream", "message-consumer").getTotalPendingMessages() == 0);
	}

}
