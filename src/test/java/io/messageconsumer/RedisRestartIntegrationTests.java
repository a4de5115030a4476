package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
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
 * Redis killed and started again under a running service: health follows, consumption resumes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@OwnRedisServer
class RedisRestartIntegrationTests {

	private static RedisServerProcess redisServer;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@Test
	void healthFollowsRedisAndConsumptionResumesAfterRestart() {
		await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(Http.health(this.port, "readiness")));
		double reconnectsBefore = this.meters.get("consumer.redis.reconnects").tag("source", "pubsub").counter().count();

		redisServer.kill();
		long killedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(Http.health(this.port, "consumer")));
		await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(Http.health(this.port, "readiness")));
		assertThat(Http.get(this.port, "/actuator/health/liveness").healthStatus()).isEqualTo("UP");
		Duration toDown = Duration.ofNanos(System.nanoTime() - killedAt);

		redisServer.restart();
		long restartedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "readiness")));
		Duration toUp = Duration.ofNanos(System.nanoTime() - restartedAt);
		System.out.printf("Redis restart: consumer DOWN after %d ms, UP %d ms after Redis returned%n", toDown.toMillis(),
				toUp.toMillis());

		List<String> ids = new ArrayList<>();
		RedisProbe probe = new RedisProbe(this.redis);
		for (int i = 0; i < 100; i++) {
			String id = "restart-" + UUID.randomUUID();
			ids.add(id);
			probe.publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(ids).allSatisfy((id) -> assertThat(this.redis.hasKey("orders:" + id)).isTrue()));
		assertThat(this.meters.get("consumer.redis.reconnects").tag("source", "pubsub").counter().count())
			.isGreaterThan(reconnectsBefore);
	}

}
