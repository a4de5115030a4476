package io.messageconsumer;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceProcess;
import io.messageconsumer.support.ServiceProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis with {@code requirepass} and an ACL user: the packaged service with a wrong password
 * stays up, not ready, and says why in one clear line, retrying with back-off rather than
 * crash-looping; with the right credentials in {@code spring.data.redis.url} it consumes.
 */
@OwnRedisServer(arguments = { "--requirepass", "admin-secret" })
class RedisAuthenticationIntegrationTests {

	private static final Duration OBSERVED = Duration.ofSeconds(15);

	private static RedisServerProcess redisServer;

	@RegisterExtension
	final ServiceProcesses services = new ServiceProcesses();

	private ServiceProcess service;

	@BeforeAll
	static void addConsumerUser() {
		assertThat(redisServer.cli("ACL", "SETUSER", "consumer", "on", ">consumer-secret", "~*", "&*", "+@all"))
			.isEqualTo("OK");
	}

	@Test
	void wrongPasswordIsReportedAndRetriedWithoutCrashing() throws IOException {
		this.service = this.services.start(
				"--spring.data.redis.url=redis://consumer:wrong-secret@127.0.0.1:" + redisServer.port());
		this.service.awaitHealth("liveness", "UP", Duration.ofSeconds(60));
		long upAt = System.nanoTime();
		await().during(OBSERVED).atMost(OBSERVED.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			Http.Response readiness = Http.get(this.service.port(), "/actuator/health/readiness");
			return this.service.isAlive() && readiness.status() == 503 && "DOWN".equals(readiness.healthStatus())
					&& "UP".equals(this.service.health("liveness"));
		});
		String log = this.service.log();
		long authFailures = log.lines().filter((line) -> line.contains("Redis rejected the credentials")).count();
		System.out.printf("Wrong Redis password: %d log lines naming the cause in %d s%n", authFailures,
				(System.nanoTime() - upAt) / 1_000_000_000);
		assertThat(log).contains("Redis rejected the credentials (WRONGPASS");
		assertThat(authFailures).as("said once, not at every retry").isEqualTo(1);
		String health = Http.get(this.service.port(), "/actuator/health/consumer").body();
		assertThat(health).contains("DOWN").contains("Redis rejected the credentials");
		assertThat(log).doesNotContain("APPLICATION FAILED TO START");
	}

	@Test
	void rightCredentialsInTheUrlWork() throws IOException {
		this.service = this.services.start(
				"--spring.data.redis.url=redis://consumer:consumer-secret@127.0.0.1:" + redisServer.port());
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(60));
		String id = "auth-" + UUID.randomUUID();
		assertThat(redisServer.cli("PUBLISH", "orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}")).isEqualTo("1");
		await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(redisServer.cli("EXISTS", "orders:" + id)));
	}

}
