package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster contract over pub/sub; and what only pub/sub does on a cluster: messages published
 * on any node are consumed (the cluster bus carries them to the subscriber's node), and health is
 * measured on the node the subscriber is connected to.
 */
@TestPropertySource(properties = { "consumer.concurrency=2", "consumer.retry.initial-backoff=1ms" })
class PubSubClusterContractTests extends ClusterContractTests {

	@Override
	protected Source source() {
		return Source.pubSub();
	}

	@Override
	protected void publishThrough(RedisServerProcess node, String message) {
		node.cli("PUBLISH", "orders", message);
	}

	@Override
	protected String channelThrough(RedisServerProcess node) {
		return "orders";
	}

	@Test
	void consumesOrdersPublishedOnEveryNodeAndStoresThemOnTheSlotOwner() {
		RedisServerProcess subscriberNode = subscriberNode();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			String id = Orders.uniqueId("cluster");
			ids.add(id);
			RedisServerProcess publishedOn = cluster().nodes().get(i % cluster().nodes().size());
			String receivers = publishedOn.cli("PUBLISH", "orders", Orders.customerOrder(id));
			// PUBLISH counts the receivers on that node only: elsewhere the cluster bus carries it.
			assertThat(receivers).isEqualTo((publishedOn == subscriberNode) ? "1" : "0");
		}

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ids)
			.allSatisfy((id) -> assertThat(cluster().ownerOf("orders:" + id).cli("HGET", "orders:" + id, "status"))
				.isEqualTo("received")));
		assertThat(cluster().nodes()).allSatisfy((node) -> assertThat(Long.parseLong(node.cli("DBSIZE"))).isPositive());
	}

	@Test
	void reportsHealthFromTheSubscribersNode() {
		RedisServerProcess subscriberNode = subscriberNode();

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			JsonNode health = this.service.json("/actuator/health/consumer");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode pubsub = health.path("details").path("sources").path("pubsub");
			assertThat(pubsub.path("clientName").asString()).isEqualTo(this.service.clientName());
			assertThat(pubsub.path("clientId").asString()).isEqualTo(subscriberClientId(subscriberNode));
			assertThat(pubsub.path("outputBufferSoftLimitBytes").asLong()).isEqualTo(SOFT_LIMIT);
			assertThat(pubsub.path("canaryLastSeenAt").isString()).isTrue();
		});
		assertThat(this.service.health("readiness")).isEqualTo("UP");
		// The cluster client's topology look-ups are connections too, but no reconnect happened.
		assertThat(this.service.reconnects("pubsub")).isZero();
	}

	/** The node whose CLIENT LIST holds this instance's subscriber connection. */
	private RedisServerProcess subscriberNode() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster().nodes().stream().filter((node) -> subscriberClientId(node) != null).count() == 1);
		return cluster().nodes().stream().filter((node) -> subscriberClientId(node) != null).findFirst().orElseThrow();
	}

	private String subscriberClientId(RedisServerProcess node) {
		for (String line : node.cli("CLIENT", "LIST", "TYPE", "pubsub").lines().toList()) {
			if (line.contains(" name=" + this.service.clientName() + " ")) {
				return line.substring(3, line.indexOf(' '));
			}
		}
		return null;
	}

}
