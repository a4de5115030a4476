package io.messageconsumer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * Redis frozen with SIGSTOP for 20 s: the consumer health goes {@code DOWN} while it is frozen and
 * {@code UP} after SIGCONT, without leaking threads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.health.canary-interval=1s", "consumer.health.canary-timeout=1s" })
@DirtiesContext
@OwnRedisServer
class RedisPauseIntegrationTests {

	private static RedisServerProcess redisServer;

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Test
	void goesDownWhileRedisIsFrozenAndUpAfterWithoutLeakingThreads() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
		int threadsBefore = threads.getThreadCount();

		redisServer.pause();
		long pausedAt = System.nanoTime();
		try {
			await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(Http.health(this.port, "consumer")));
			long toDown = System.nanoTime() - pausedAt;
			assertThat(Http.get(this.port, "/actuator/health/liveness").healthStatus()).isEqualTo("UP");
			// Frozen for 20 s in all; health must stay DOWN for as long as it is.
			Duration rest = Duration.ofNanos(Math.max(1, pausedAt + Duration.ofSeconds(20).toNanos() - System.nanoTime()));
			await().during(rest).atMost(rest.plusSeconds(5)).until(() -> "DOWN".equals(Http.health(this.port, "consumer")));
			System.out.printf("Redis paused: consumer DOWN after %d ms%n", toDown / 1_000_000);
		}
		finally {
			redisServer.resume();
		}
		long resumedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
		System.out.printf("Redis resumed: consumer UP after %d ms%n", (System.nanoTime() - resumedAt) / 1_000_000);

		String id = "pause-" + UUID.randomUUID();
		new RedisProbe(this.redis).publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(
				() -> assertThat(threads.getThreadCount()).as("threads after recovery").isLessThanOrEqualTo(threadsBefore + 5));
	}

}
