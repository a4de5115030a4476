package io.messageconsumer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service starts while Redis is unreachable for 60 s, stays alive but not ready all that
 * time without piling up threads, and subscribes on its own as soon as Redis answers.
 */
@OwnRedisServiceTest(running = false)
class RedisDownAtStartupIntegrationTests {

	private static final Duration UNREACHABLE = Duration.ofSeconds(60);

	private static final Duration WARM_UP = Duration.ofSeconds(10);

	private static RedisServerProcess redisServer;

	@Autowired
	private ServiceUnderTest service;

	@Test
	void startsWithoutRedisAndBecomesReadyWhenRedisAnswers() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		// The first seconds warm up request and health-check threads; retrying must add none after.
		stillNotReady(WARM_UP);
		int threadsWarm = threads.getThreadCount();
		stillNotReady(UNREACHABLE.minus(WARM_UP));
		int threadsAfter = threads.getThreadCount();
		System.out.printf("Redis unreachable for %d s at start-up: %d threads after %d s, %d after %d s%n",
				UNREACHABLE.toSeconds(), threadsWarm, WARM_UP.toSeconds(), threadsAfter, UNREACHABLE.toSeconds());
		assertThat(threadsAfter).as("threads after 60 s of retrying").isLessThanOrEqualTo(threadsWarm + 3);

		redisServer.restart();
		long startedAt = System.nanoTime();
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(30));
		System.out.printf("Redis unreachable for %d s at start-up: ready %d ms after it answered%n",
				UNREACHABLE.toSeconds(), (System.nanoTime() - startedAt) / 1_000_000);

		this.service.awaitConsumesAnOrder("startup");
	}

	/** Alive but not ready, at every poll for this long. */
	private void stillNotReady(Duration duration) {
		await().during(duration).atMost(duration.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			Http.Response readiness = this.service.get("/actuator/health/readiness");
			return readiness.status() == 503 && "DOWN".equals(readiness.healthStatus())
					&& "UP".equals(this.service.health("liveness"));
		});
	}

}
