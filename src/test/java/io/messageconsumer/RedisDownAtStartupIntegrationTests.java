package io.messageconsumer;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisProbe;
import io.messageconsumer.support.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service starts while Redis is down, reports itself alive but not ready, and subscribes as
 * soon as Redis answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RedisDownAtStartupIntegrationTests {

	private static final RedisServerProcess redisServer = stopped(RedisServerProcess.start());

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redisServer::url);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.stop();
	}

	@Test
	void startsWithoutRedisAndBecomesReadyWhenRedisAnswers() {
		assertThat(Http.get(this.port, "/actuator/health/liveness").healthStatus()).isEqualTo("UP");
		Http.Response readiness = Http.get(this.port, "/actuator/health/readiness");
		assertThat(readiness.status()).isEqualTo(503);
		assertThat(readiness.healthStatus()).isEqualTo("DOWN");

		redisServer.restart();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));

		String id = "startup-" + UUID.randomUUID();
		new RedisProbe(this.redis).publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
	}

	private static RedisServerProcess stopped(RedisServerProcess process) {
		process.stop();
		return process;
	}

}
