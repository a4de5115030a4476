package io.messageconsumer;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
 * channel on each master, each subscribed with {@code SSUBSCRIBE} on its slot owner.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceUnderTest.class)
@DirtiesContext
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
		JsonNode shards = shardHealth();
		assertThat(channels).allSatisfy((channel) -> assertThat(shards.path(address(cluster.get().ownerOf(channel)))
			.asString()).isEqualTo("1/1"));
	}

	private JsonNode shardHealth() {
		JsonNode pubsub = this.service.json("/actuator/health/consumer").path("details").path("sources").path("pubsub");
		return pubsub.path("shardChannels");
	}

	private static String address(RedisServerProcess node) {
		return "127.0.0.1:" + node.port();
	}

}
