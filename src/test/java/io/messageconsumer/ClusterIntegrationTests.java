package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisClusterProcesses;
import io.messageconsumer.support.RedisProbe;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.config.ConsumerInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service against a three-master Redis Cluster ({@code spring.data.redis.cluster.nodes}):
 * messages published on any node are consumed, orders land on the node that owns their slot,
 * dead letters are written and health is measured on the node the subscriber is connected to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.concurrency=2", "consumer.retry.initial-backoff=1ms" })
@DirtiesContext
class ClusterIntegrationTests {

	/** A pub/sub soft limit other than Redis's default, to see that it is read from the cluster. */
	private static final long SOFT_LIMIT = 4L * 1024 * 1024;

	private static final RedisClusterProcesses cluster = RedisClusterProcesses.start("--client-output-buffer-limit",
			"pubsub 33554432 " + SOFT_LIMIT + " 60");

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ConsumerInstance instance;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", cluster::nodeAddresses);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@BeforeEach
	void awaitReady() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
	}

	@Test
	void consumesOrdersPublishedOnEveryNodeAndStoresThemOnTheSlotOwner() {
		RedisServerProcess subscriberNode = subscriberNode();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			String id = "cluster-" + UUID.randomUUID();
			ids.add(id);
			RedisServerProcess publishedOn = cluster.nodes().get(i % cluster.nodes().size());
			String receivers = publishedOn.cli("PUBLISH", "orders", order(id));
			// PUBLISH counts the receivers on that node only: elsewhere the cluster bus carries it.
			assertThat(receivers).isEqualTo((publishedOn == subscriberNode) ? "1" : "0");
		}

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ids)
			.allSatisfy((id) -> assertThat(cluster.ownerOf("orders:" + id).cli("HGET", "orders:" + id, "status"))
				.isEqualTo("received")));
		assertThat(cluster.nodes()).allSatisfy((node) -> assertThat(Long.parseLong(node.cli("DBSIZE"))).isPositive());
	}

	@Test
	void storesABurstOfOrdersBatchedOverTheNodes() {
		double processedBefore = count("order", "processed");
		long started = System.nanoTime();
		RedisProbe probe = new RedisProbe(this.redis);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			String id = "burst-" + UUID.randomUUID();
			ids.add(id);
			probe.publish("orders", order(id));
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> count("order", "processed") == processedBefore + ids.size());
		System.out.printf("Cluster: %d orders published and stored in %d ms%n", ids.size(),
				(System.nanoTime() - started) / 1_000_000);
		assertThat(ids).allSatisfy((id) -> assertThat(this.redis.opsForHash().get("orders:" + id, "status"))
			.isEqualTo("received"));
	}

	@Test
	void detectsDuplicatesAcrossNodes() {
		String id = "cluster-dup-" + UUID.randomUUID();
		double duplicatesBefore = count("order", "duplicate");
		cluster.nodes().get(0).cli("PUBLISH", "orders", order(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		Map<Object, Object> stored = this.redis.opsForHash().entries("orders:" + id);

		cluster.nodes().get(1).cli("PUBLISH", "orders",
				"{\"type\":\"order\",\"id\":\"" + id + "\",\"customerId\":\"someone-else\"}");

		await().atMost(Duration.ofSeconds(10)).until(() -> count("order", "duplicate") == duplicatesBefore + 1);
		assertThat(this.redis.opsForHash().entries("orders:" + id)).isEqualTo(stored);
	}

	@Test
	void deadLettersInvalidJson() {
		String marker = "not json " + UUID.randomUUID();
		cluster.nodes().get(2).cli("PUBLISH", "orders", marker);

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(new RedisProbe(this.redis).entries("consumer:dead-letter"))
				.anySatisfy((entry) -> assertThat(entry).containsEntry("payload", marker)
					.containsEntry("reason", "invalid_json")
					.containsEntry("channel", "orders")));
	}

	@Test
	void reportsHealthFromTheSubscribersNode() {
		RedisServerProcess subscriberNode = subscriberNode();

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			JsonNode health = Http.get(this.port, "/actuator/health/consumer").json();
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode pubsub = health.path("details").path("sources").path("pubsub");
			assertThat(pubsub.path("clientName").asString()).isEqualTo(this.instance.clientName());
			assertThat(pubsub.path("clientId").asString()).isEqualTo(subscriberClientId(subscriberNode));
			assertThat(pubsub.path("outputBufferSoftLimitBytes").asLong()).isEqualTo(SOFT_LIMIT);
			assertThat(pubsub.path("canaryLastSeenAt").asString()).isNotEqualTo("null");
		});
		assertThat(Http.get(this.port, "/actuator/health/readiness").healthStatus()).isEqualTo("UP");
		// The cluster client's topology look-ups are connections too, but no reconnect happened.
		assertThat(this.meters.get("consumer.redis.reconnects").tag("source", "pubsub").counter().count()).isZero();
	}

	/** The node whose CLIENT LIST holds this instance's subscriber connection. */
	private RedisServerProcess subscriberNode() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster.nodes().stream().filter((node) -> subscriberClientId(node) != null).count() == 1);
		return cluster.nodes().stream().filter((node) -> subscriberClientId(node) != null).findFirst().orElseThrow();
	}

	private String subscriberClientId(RedisServerProcess node) {
		for (String line : node.cli("CLIENT", "LIST", "TYPE", "pubsub").lines().toList()) {
			if (line.contains(" name=" + this.instance.clientName() + " ")) {
				return line.substring(3, line.indexOf(' '));
			}
		}
		return null;
	}

	private double count(String type, String outcome) {
		Counter counter = this.meters.find("consumer.messages").tag("type", type).tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"customerId\":\"c-7\",\"total\":19.0,\"currency\":\"EUR\"}";
	}

}
