package io.messageconsumer;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisProbe;
import io.messageconsumer.support.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The zombie subscription: the subscriber connection is killed and Lettuce reconnects, but the
 * resubscribe is refused, so nothing arrives while Redis itself answers every PING. The consumer
 * health must say so, and the service must subscribe again once it can.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.health.canary-interval=1s", "consumer.health.canary-timeout=1s" })
@DirtiesContext
@OwnRedisServer
class ZombieSubscriptionIntegrationTests {

	private static RedisServerProcess redisServer;

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Test
	void reportsAZombieSubscriptionAndRepairsIt() {
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));

		// Channel permissions revoked: the reconnected subscriber's SUBSCRIBE is refused (NOPERM).
		redisServer.cli("ACL", "SETUSER", "default", "resetchannels");
		redisServer.cli("CLIENT", "KILL", "TYPE", "pubsub");
		long killedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).until(() -> "DOWN".equals(Http.health(this.port, "consumer")));
		long toDown = System.nanoTime() - killedAt;
		assertThat(redisServer.cli("PING")).isEqualTo("PONG");
		assertThat(Http.get(this.port, "/actuator/health/redis").healthStatus()).isEqualTo("UP");

		redisServer.cli("ACL", "SETUSER", "default", "allchannels");
		long restoredAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
		long toUp = System.nanoTime() - restoredAt;
		System.out.printf("Zombie subscription: DOWN after %d ms, UP %d ms after channels were allowed again%n",
				toDown / 1_000_000, toUp / 1_000_000);

		String id = "zombie-" + UUID.randomUUID();
		new RedisProbe(this.redis).publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
	}

}
