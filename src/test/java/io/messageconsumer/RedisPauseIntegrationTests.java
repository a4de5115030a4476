package io.messageconsumer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis frozen with SIGSTOP for 20 s: the consumer health goes {@code DOWN} while it is frozen and
 * {@code UP} after SIGCONT, without leaking threads.
 */
@TestPropertySource(properties = { "consumer.health.canary-interval=1s", "consumer.health.canary-timeout=1s" })
@OwnRedisServiceTest
class RedisPauseIntegrationTests {

	private static RedisServerProcess redisServer;

	@Autowired
	private ServiceUnderTest service;

	@Test
	void goesDownWhileRedisIsFrozenAndUpAfterWithoutLeakingThreads() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		int threadsBefore = threads.getThreadCount();

		redisServer.pause();
		long pausedAt = System.nanoTime();
		try {
			this.service.awaitHealth("consumer", "DOWN", Duration.ofSeconds(15));
			long toDown = System.nanoTime() - pausedAt;
			assertThat(this.service.health("liveness")).isEqualTo("UP");
			// Frozen for 20 s in all; health must stay DOWN for as long as it is.
			Duration rest = Duration.ofNanos(Math.max(1, pausedAt + Duration.ofSeconds(20).toNanos() - System.nanoTime()));
			await().during(rest).atMost(rest.plusSeconds(5)).until(() -> "DOWN".equals(this.service.health("consumer")));
			System.out.printf("Redis paused: consumer DOWN after %d ms%n", toDown / 1_000_000);
		}
		finally {
			redisServer.resume();
		}
		long resumedAt = System.nanoTime();
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		System.out.printf("Redis resumed: consumer UP after %d ms%n", (System.nanoTime() - resumedAt) / 1_000_000);

		this.service.awaitConsumesAnOrder("pause");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(
				() -> assertThat(threads.getThreadCount()).as("threads after recovery").isLessThanOrEqualTo(threadsBefore + 5));
	}

}
