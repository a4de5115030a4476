package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.messageconsumer.support.ClassResource;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisClusterProcesses;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.SourceContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service against a three-master Redis Cluster ({@code spring.data.redis.cluster.nodes}), for
 * every source ({@link PubSubClusterContractTests}, {@link StreamClusterContractTests}): a burst of
 * orders stored on the nodes that own their slots, a duplicate detected when the two copies come
 * in through different nodes, invalid JSON dead-lettered. Each test class gets a cluster of its
 * own ({@link RedisClusterProcesses}), started when its context is loaded and stopped after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceUnderTest.class)
@DirtiesContext
abstract class ClusterContractTests extends SourceContract {

	/** A pub/sub soft limit other than Redis's default, to see that it is read from the cluster. */
	protected static final long SOFT_LIMIT = 4L * 1024 * 1024;

	@RegisterExtension
	static final ClassResource<RedisClusterProcesses> cluster = new ClassResource<>(
			() -> RedisClusterProcesses.start("--client-output-buffer-limit", "pubsub 33554432 " + SOFT_LIMIT + " 60"));

	/**
	 * Publish a message through one node: on a channel for pub/sub, to the stream that node holds
	 * for streams.
	 * @param node the node
	 * @param message the message
	 */
	protected abstract void publishThrough(RedisServerProcess node, String message);

	/**
	 * What dead letters name as the channel of a message published through that node.
	 * @param node the node
	 * @return the channel or stream key
	 */
	protected abstract String channelThrough(RedisServerProcess node);

	/**
	 * The test class's cluster, started on first use.
	 * @return the cluster
	 */
	protected static RedisClusterProcesses cluster() {
		return cluster.get();
	}

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", () -> cluster().nodeAddresses());
	}

	@BeforeEach
	void awaitReady() {
		this.service.awaitReady(Duration.ofSeconds(30));
	}

	@Test
	void storesABurstOfOrdersBatchedOverTheNodes() {
		double processedBefore = this.service.messages("order", "processed");
		long started = System.nanoTime();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			String id = Orders.uniqueId("burst");
			ids.add(id);
			publish("orders", Orders.customerOrder(id));
		}

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.service.messages("order", "processed") == processedBefore + ids.size());
		String label = "pubsub".equals(source().mode()) ? "Cluster" : "Cluster (" + source().mode() + ")";
		System.out.printf("%s: %d orders published and stored in %d ms%n", label, ids.size(),
				(System.nanoTime() - started) / 1_000_000);
		assertThat(ids).allSatisfy((id) -> assertThat(this.service.orderField(id, "status")).isEqualTo("received"));
		assertThat(cluster().nodes()).allSatisfy((node) -> assertThat(Long.parseLong(node.cli("DBSIZE"))).isPositive());
		awaitSettled("orders");
	}

	@Test
	void detectsDuplicatesAcrossNodes() {
		String id = Orders.uniqueId("cluster-dup");
		double duplicatesBefore = this.service.messages("order", "duplicate");
		publishThrough(cluster().nodes().get(0), Orders.customerOrder(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		Map<Object, Object> stored = this.service.order(id);

		publishThrough(cluster().nodes().get(1),
				"{\"type\":\"order\",\"id\":\"" + id + "\",\"customerId\":\"someone-else\"}");

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.messages("order", "duplicate") == duplicatesBefore + 1);
		assertThat(this.service.order(id)).isEqualTo(stored);
	}

	@Test
	void deadLettersInvalidJson() {
		String marker = "not json " + Orders.uniqueId("cluster");
		RedisServerProcess node = cluster().nodes().get(2);
		publishThrough(node, marker);

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.service.deadLetters())
				.anySatisfy((entry) -> assertThat(entry).containsEntry("payload", marker)
					.containsEntry("reason", "invalid_json")
					.containsEntry("source", source().mode())
					.containsEntry("channel", channelThrough(node))));
	}

}
