package io.messageconsumer;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zombie subscription: the subscriber connection is killed and Lettuce reconnects, but the
 * resubscribe is refused, so nothing arrives while Redis itself answers every PING. The consumer
 * health must say so, and the service must subscribe again once it can.
 */
@TestPropertySource(properties = { "consumer.health.canary-interval=1s", "consumer.health.canary-timeout=1s" })
@OwnRedisServiceTest
class ZombieSubscriptionIntegrationTests {

	private static RedisServerProcess redisServer;

	@Autowired
	private ServiceUnderTest service;

	@Test
	void reportsAZombieSubscriptionAndRepairsIt() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));

		// Channel permissions revoked: the reconnected subscriber's SUBSCRIBE is refused (NOPERM).
		redisServer.cli("ACL", "SETUSER", "default", "resetchannels");
		redisServer.cli("CLIENT", "KILL", "TYPE", "pubsub");
		long killedAt = System.nanoTime();
		this.service.awaitHealth("consumer", "DOWN", Duration.ofSeconds(5));
		long toDown = System.nanoTime() - killedAt;
		assertThat(redisServer.cli("PING")).isEqualTo("PONG");
		assertThat(this.service.health("redis")).isEqualTo("UP");

		redisServer.cli("ACL", "SETUSER", "default", "allchannels");
		long restoredAt = System.nanoTime();
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		long toUp = System.nanoTime() - restoredAt;
		System.out.printf("Zombie subscription: DOWN after %d ms, UP %d ms after channels were allowed again%n",
				toDown / 1_000_000, toUp / 1_000_000);

		this.service.awaitConsumesAnOrder("zombie");
	}

}
