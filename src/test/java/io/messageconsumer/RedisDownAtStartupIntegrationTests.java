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
 * The service starts while Redis is unreachable for 60 s, stays alive but not ready all that
 * time without piling up threads, and subscribes on its own as soon as Redis answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@OwnRedisServer(running = false)
class RedisDownAtStartupIntegrationTests {

	private static final Duration UNREACHABLE = Duration.ofSeconds(60);

	private static final Duration WARM_UP = Duration.ofSeconds(10);

	private static RedisServerProcess redisServer;

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

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
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
		System.out.printf("Redis unreachable for %d s at start-up: ready %d ms after it answered%n",
				UNREACHABLE.toSeconds(), (System.nanoTime() - startedAt) / 1_000_000);

		String id = "startup-" + UUID.randomUUID();
		new RedisProbe(this.redis).publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
	}

	/** Alive but not ready, at every poll for this long. */
	private void stillNotReady(Duration duration) {
		await().during(duration).atMost(duration.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			Http.Response readiness = Http.get(this.port, "/actuator/health/readiness");
			return readiness.status() == 503 && "DOWN".equals(readiness.healthStatus())
					&& "UP".equals(Http.get(this.port, "/actuator/health/liveness").healthStatus());
		});
	}

}
