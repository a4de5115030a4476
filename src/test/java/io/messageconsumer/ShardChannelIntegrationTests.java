package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shard channels ({@code consumer.shard-channels}) on a standalone Redis: plain {@code SSUBSCRIBE}
 * on that server, beside a classic channel, into the same pipeline: same meters ({@code source=pubsub},
 * the shard channel as the channel tag), same dead letters, health counting the shard subscription.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.channels=orders", "consumer.shard-channels=shard-orders,shard-notes",
		"consumer.retry.initial-backoff=1ms" })
class ShardChannelIntegrationTests {

	@Autowired
	private ServiceUnderTest service;

	@BeforeEach
	void awaitReady() {
		this.service.awaitReady(Duration.ofSeconds(30));
	}

	@Test
	void processesAnOrderSpublishedToAShardChannel() {
		String id = Orders.uniqueId("shard");
		assertThat(spublish("shard-orders", Orders.customerOrder(id))).isEqualTo(1);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		assertThat(this.service.counter("consumer.messages.received", "source", "pubsub", "channel", "shard-orders"))
			.isEqualTo(1);
	}

	@Test
	void deadLettersInvalidJsonNamingTheShardChannel() {
		String marker = "not json " + Orders.uniqueId("shard");
		spublish("shard-notes", marker);

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.service.deadLetterWith("payload", marker)).isNotNull()
				.containsEntry("reason", "invalid_json")
				.containsEntry("source", "pubsub")
				.containsEntry("channel", "shard-notes"));
	}

	@Test
	void reportsTheShardSubscriptionsTheServerHoldsAndTheirCanaries() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode health = this.service.json("/actuator/health/consumer");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode pubsub = health.path("details").path("sources").path("pubsub");
			// Two shard channels and a canary shard channel each.
			assertThat(pubsub.path("shardChannels").path("redis").asString()).isEqualTo("4/4");
			assertThat(pubsub.path("shardCanaryLastSeenAt").propertyNames()).containsExactly("shard-orders", "shard-notes");
		});
	}

	private long spublish(String channel, String message) {
		return RedisAsync.call(this.service.redis(), Duration.ofSeconds(5),
				(commands) -> commands.spublish(channel.getBytes(StandardCharsets.UTF_8),
						message.getBytes(StandardCharsets.UTF_8)));
	}

}
