package io.messageconsumer;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.ClassResource;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisClusterProcesses;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.ShardPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sharded pub/sub ({@code consumer.shard-channels}) on a three-master Redis Cluster: one shard
 * channel on each master, each subscribed with {@code SSUBSCRIBE} on its slot owner; the
 * subscription follows a slot migrated to another master and a {@code CLUSTER FAILOVER} to a
 * replica, each under a steady publisher, and health is not {@code UP} while a moved channel is
 * not subscribed on its new owner. The tests run in order: the first needs the channels on three
 * different masters, which the migrations change.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceUnderTest.class)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = { "consumer.channels=orders",
		"consumer.shard-channels=" + ShardChannelClusterIntegrationTests.ON_FIRST + ","
				+ ShardChannelClusterIntegrationTests.ON_SECOND + "," + ShardChannelClusterIntegrationTests.ON_THIRD,
		"consumer.concurrency=2", "consumer.retry.initial-backoff=1ms" })
class ShardChannelClusterIntegrationTests {

	/** Slot 1069: the first master's (slots 0-5460). */
	static final String ON_FIRST = "shard-orders-a";

	/** Slot 9327: the second master's (5461-10922). */
	static final String ON_SECOND = "shard-orders-c";

	/** Slot 13390: the third master's (10923-16383). */
	static final String ON_THIRD = "shard-orders-b";

	/** How soon a moved shard channel must be subscribed again on its new owner. */
	private static final Duration RESUBSCRIBED_WITHIN = Duration.ofSeconds(5);

	@RegisterExtension
	static final ClassResource<RedisClusterProcesses> cluster = new ClassResource<>(RedisClusterProcesses::start);

	@Autowired
	private ServiceUnderTest service;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", () -> cluster.get().nodeAddresses());
	}

	@BeforeEach
	void awaitReady() {
		this.service.awaitReady(Duration.ofSeconds(30));
	}

	@Test
	@Order(1)
	void processesOnceEveryMessageSpublishedOnEachMaster() {
		List<String> channels = List.of(ON_FIRST, ON_SECOND, ON_THIRD);
		assertThat(channels.stream().map((channel) -> cluster.get().ownerOf(channel)).distinct()).hasSize(3);
		double processedBefore = this.service.messages("order", "processed");
		try (ShardPublisher publisher = new ShardPublisher(cluster.get())) {
			for (String channel : channels) {
				for (int i = 0; i < 50; i++) {
					String id = Orders.uniqueId(channel);
					// One receiver on the slot owner: this instance's shard subscription there.
					assertThat(publisher.publish(channel, Orders.customerOrder(id))).isEqualTo(1);
				}
			}
		}

		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.service.messages("order", "processed") == processedBefore + 150);
		assertThat(this.service.messages("order", "duplicate")).isZero();
		assertThat(channels).allSatisfy((channel) -> assertThat(
				this.service.counter("consumer.messages.received", "source", "pubsub", "channel", channel))
			.isEqualTo(50));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode pubsub = pubSubHealth();
			// Each owner holds its shard channel and that channel's canary, which comes back.
			assertThat(channels).allSatisfy((channel) -> assertThat(
					pubsub.path("shardChannels").path(address(cluster.get().ownerOf(channel))).asString())
				.isEqualTo("2/2"));
			assertThat(pubsub.path("shardCanaryLastSeenAt").propertyNames()).containsExactlyInAnyOrderElementsOf(channels);
			// Read from every owner's CLIENT LIST: nothing waits for this instance there.
			assertThat(pubsub.path("shardOutputBufferBytes").isNumber()).isTrue();
		});
	}

	@Test
	@Order(2)
	void followsASlotMigratedToAnotherMasterUnderASteadyPublisher() {
		RedisServerProcess from = cluster.get().ownerOf(ON_FIRST);
		RedisServerProcess to = cluster.get().ownerOf(ON_SECOND);

		try (ShardPublisher publisher = new ShardPublisher(cluster.get())) {
			publisher.publishSteadily(ON_FIRST, 200, (n) -> Orders.customerOrder("migrate-" + n));
			publisher.awaitPublished(200);
			long moved = migrate(ON_FIRST, from, to);

			awaitResubscribed(to, 4, moved);
			publisher.awaitPublished(400);
			publisher.close();
			assertEveryDeliveredMessageProcessedOnce(publisher.delivered(), "migrate-");
		}
	}

	@Test
	@Order(3)
	void healthIsNotUpWhileAMovedShardChannelCannotBeSubscribedOnItsNewOwner() {
		RedisServerProcess from = cluster.get().ownerOf(ON_THIRD);
		// After the migration the first master owns none of the shard channels.
		List<String> channels = List.of(ON_FIRST, ON_SECOND, ON_THIRD);
		RedisServerProcess to = cluster.get().nodes().stream()
			.filter((node) -> channels.stream().noneMatch((channel) -> cluster.get().ownerOf(channel) == node))
			.findFirst()
			.orElseThrow();
		// The new owner refuses SSUBSCRIBE to the user the service connects as: the channel and its
		// canary stay dropped, as long as that lasts, whatever the timing of checks and attempts.
		to.cli("ACL", "SETUSER", "default", "-ssubscribe");
		try {
			migrate(ON_THIRD, from, to);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(pubSubHealth().path("reason").asString())
					.startsWith("shard channel " + ON_THIRD + " (and 1 more) dropped by " + address(from)));
			await("health not UP while the new owner refuses the shard channel").during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(5))
				.until(() -> !"UP".equals(this.service.json("/actuator/health/consumer").path("status").asString())
						&& shardSubscriptions(to) == 0);
		}
		finally {
			to.cli("ACL", "SETUSER", "default", "+ssubscribe");
		}
		long allowed = System.nanoTime();
		// Within the subscriber's backoff (at most 2 s) the channel and its canary are subscribed there.
		awaitResubscribed(to, 2, allowed);
		try (ShardPublisher publisher = new ShardPublisher(cluster.get())) {
			String id = Orders.uniqueId(ON_THIRD);
			assertThat(publisher.publish(ON_THIRD, Orders.customerOrder(id))).isEqualTo(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		}
	}

	@Test
	@Order(4)
	void followsAFailoverToAReplicaUnderASteadyPublisher() {
		RedisServerProcess master = cluster.get().ownerOf(ON_THIRD);
		RedisServerProcess replica = cluster.get().addReplica(master);

		try (ShardPublisher publisher = new ShardPublisher(cluster.get())) {
			publisher.publishSteadily(ON_THIRD, 200, (n) -> Orders.customerOrder("failover-" + n));
			publisher.awaitPublished(200);
			long failedOver = System.nanoTime();
			replica.cli("CLUSTER", "FAILOVER");

			awaitResubscribed(replica, 2, failedOver);
			publisher.awaitPublished(400);
			publisher.close();
			assertEveryDeliveredMessageProcessedOnce(publisher.delivered(), "failover-");
		}
		assertThat(cluster.get().ownerOf(ON_THIRD)).isSameAs(replica);
	}

	/**
	 * Move a channel's slot from one master to another, as {@code redis-cli --cluster reshard}
	 * would with an empty slot, every master told the new owner.
	 * @return when the slot moved ({@link System#nanoTime})
	 */
	private static long migrate(String channel, RedisServerProcess from, RedisServerProcess to) {
		String slot = from.cli("CLUSTER", "KEYSLOT", channel);
		String fromId = from.cli("CLUSTER", "MYID");
		String toId = to.cli("CLUSTER", "MYID");
		to.cli("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
		from.cli("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
		long moved = System.nanoTime();
		to.cli("CLUSTER", "SETSLOT", slot, "NODE", toId);
		from.cli("CLUSTER", "SETSLOT", slot, "NODE", toId);
		cluster.get().nodes().forEach((node) -> node.cli("CLUSTER", "SETSLOT", slot, "NODE", toId));
		return moved;
	}

	/**
	 * The new owner holds this instance's shard subscriptions within 5 s, by its own {@code CLIENT
	 * LIST}; health then says so, naming the new owner, within one more check.
	 */
	private void awaitResubscribed(RedisServerProcess owner, int channels, long since) {
		await().atMost(RESUBSCRIBED_WITHIN)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> shardSubscriptions(owner) == channels);
		System.out.printf("Shard channel subscribed again on its new owner %d ms after the move%n",
				(System.nanoTime() - since) / 1_000_000);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode health = this.service.json("/actuator/health/consumer");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			assertThat(health.at("/details/sources/pubsub/shardChannels/" + address(owner).replace("/", "~1")).asString())
				.isEqualTo(channels + "/" + channels);
		});
	}

	private void assertEveryDeliveredMessageProcessedOnce(Set<Long> delivered, String prefix) {
		assertThat(delivered).hasSizeGreaterThan(300);
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(delivered).allSatisfy((n) -> assertThat(this.service.hasOrder(prefix + n))
				.as("order %s%d", prefix, n)
				.isTrue()));
		assertThat(this.service.messages("order", "duplicate")).isZero();
	}

	/** {@code ssub} of this instance's connection on a node, from its {@code CLIENT LIST}. */
	private long shardSubscriptions(RedisServerProcess node) {
		for (String line : node.cli("CLIENT", "LIST", "TYPE", "pubsub").lines().toList()) {
			if (line.contains(" name=" + this.service.clientName() + " ")) {
				String ssub = line.replaceAll(".* ssub=(\\d+) .*", "$1");
				if (!ssub.equals("0")) {
					return Long.parseLong(ssub);
				}
			}
		}
		return 0;
	}

	private JsonNode pubSubHealth() {
		return this.service.json("/actuator/health/consumer").path("details").path("sources").path("pubsub");
	}

	private static String address(RedisServerProcess node) {
		return "127.0.0.1:" + node.port();
	}

}
