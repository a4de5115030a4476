package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisClusterProcesses;
import io.messageconsumer.support.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream source on a three-master Redis Cluster: three streams whose slots live on three
 * different nodes (no hash tags needed, each stream is read on its own), every entry handled and
 * acknowledged, the orders stored on whatever node owns their slot.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.mode=stream", "consumer.streams.block=200ms", "consumer.concurrency=2" })
@DirtiesContext
class StreamClusterIntegrationTests {

	private static final RedisClusterProcesses cluster = RedisClusterProcesses.start();

	/** One stream key per node. */
	private static final Map<String, RedisServerProcess> streams = oneStreamPerNode();

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", cluster::nodeAddresses);
		registry.add("consumer.streams.keys", () -> String.join(",", streams.keySet()));
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	private static Map<String, RedisServerProcess> oneStreamPerNode() {
		Map<RedisServerProcess, String> byNode = new LinkedHashMap<>();
		for (int i = 0; byNode.size() < cluster.nodes().size(); i++) {
			String key = "orders-stream-" + i;
			byNode.putIfAbsent(cluster.ownerOf(key), key);
		}
		Map<String, RedisServerProcess> keys = new LinkedHashMap<>();
		byNode.forEach((node, key) -> keys.put(key, node));
		return keys;
	}

	@Test
	void readsStreamsSpreadOverTheNodesAndAcknowledgesEveryEntry() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
		assertThat(streams.values()).doesNotHaveDuplicates().hasSize(3);
		List<String> ids = new ArrayList<>();
		for (String stream : streams.keySet()) {
			for (int i = 0; i < 300; i++) {
				String id = "C-" + UUID.randomUUID();
				ids.add(id);
				this.redis.opsForStream()
					.add(MapRecord.create(stream, Map.of("payload", "{\"type\":\"order\",\"id\":\"" + id + "\"}")));
			}
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ids.stream().allMatch((id) -> this.redis.hasKey("orders:" + id)));
		for (String stream : streams.keySet()) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.redis.opsForStream().pending(stream, "message-consumer").getTotalPendingMessages() == 0);
			// The group lives with its stream, on the node that owns the stream's slot.
			assertThat(streams.get(stream).cli("XINFO", "GROUPS", stream)).contains("message-consumer");
		}
		JsonNode details = Http.get(this.port, "/actuator/health/consumer").json().path("details");
		streams.keySet()
			.forEach((stream) -> assertThat(
					details.path("sources").path("stream").path("streams").path(stream).path("reading").asBoolean())
				.as(stream)
				.isTrue());
	}

}
