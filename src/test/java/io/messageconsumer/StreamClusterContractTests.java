package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster contract over streams; and three streams whose slots live on three different nodes
 * (no hash tags needed, each stream is read on its own), every entry handled and acknowledged,
 * the orders stored on whatever node owns their slot.
 */
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.block=200ms", "consumer.concurrency=2" })
class StreamClusterContractTests extends ClusterContractTests {

	private static final String GROUP = "message-consumer";

	/** One stream key per node, for the running class's cluster. */
	private static Map<String, RedisServerProcess> streams;

	@DynamicPropertySource
	static void streamProperties(DynamicPropertyRegistry registry) {
		registry.add("consumer.streams.keys", () -> "orders-stream," + String.join(",", streams().keySet()));
	}

	@AfterAll
	static synchronized void forgetStreams() {
		streams = null;
	}

	private static synchronized Map<String, RedisServerProcess> streams() {
		if (streams == null) {
			Map<RedisServerProcess, String> byNode = new LinkedHashMap<>();
			for (int i = 0; byNode.size() < cluster().nodes().size(); i++) {
				String key = "orders-stream-" + i;
				byNode.putIfAbsent(cluster().ownerOf(key), key);
			}
			Map<String, RedisServerProcess> keys = new LinkedHashMap<>();
			byNode.forEach((node, key) -> keys.put(key, node));
			streams = keys;
		}
		return streams;
	}

	@Override
	protected Source source() {
		return Source.stream(GROUP);
	}

	@Override
	protected void publishThrough(RedisServerProcess node, String message) {
		this.service.redis().opsForStream().add(MapRecord.create(channelThrough(node), Map.of("payload", message)));
	}

	@Override
	protected String channelThrough(RedisServerProcess node) {
		return streams().entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == node)
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow();
	}

	@Test
	void readsStreamsSpreadOverTheNodesAndAcknowledgesEveryEntry() {
		assertThat(streams().values()).doesNotHaveDuplicates().hasSize(3);
		List<String> ids = new ArrayList<>();
		for (String stream : streams().keySet()) {
			for (int i = 0; i < 300; i++) {
				String id = Orders.uniqueId("C");
				ids.add(id);
				this.service.redis()
					.opsForStream()
					.add(MapRecord.create(stream, Map.of("payload", "{\"type\":\"order\",\"id\":\"" + id + "\"}")));
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(this.service::hasOrder));
		for (String stream : streams().keySet()) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.service.redis().opsForStream().pending(stream, GROUP).getTotalPendingMessages() == 0);
			// The group lives with its stream, on the node that owns the stream's slot.
			assertThat(streams().get(stream).cli("XINFO", "GROUPS", stream)).contains(GROUP);
		}
		JsonNode details = this.service.json("/actuator/health/consumer").path("details");
		streams().keySet()
			.forEach((stream) -> assertThat(
					details.path("sources").path("stream").path("streams").path(stream).path("reading").asBoolean())
				.as(stream)
				.isTrue());
	}

}
