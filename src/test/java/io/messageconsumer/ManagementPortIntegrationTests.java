package io.messageconsumer;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code management.server.port} set, the exposed endpoints answer on the management port
 * only, the application port serves none of them, and the endpoints that are not exposed answer
 * 404 on both.
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestPropertySource(properties = { "management.server.port=0", "consumer.channels=management-port-test",
		"consumer.dead-letter.replay-enabled=true" })
class ManagementPortIntegrationTests {

	/** The SPEC's list, plus the dead-letter endpoint that replay-enabled turns on. */
	static final List<String> EXPOSED = List.of("health", "health/liveness", "health/readiness", "health/consumer",
			"info", "metrics", "metrics/consumer.queue.depth", "prometheus", "consumer", "deadletters");

	static final List<String> NOT_EXPOSED = List.of("env", "heapdump", "configprops", "threaddump", "loggers",
			"beans", "shutdown", "mappings", "conditions", "scheduledtasks", "caches", "sbom", "startup");

	@LocalServerPort
	private int applicationPort;

	@LocalManagementPort
	private int managementPort;

	@BeforeEach
	void awaitReady() {
		assertThat(this.managementPort).isNotEqualTo(this.applicationPort).isPositive();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "UP".equals(Http.get(this.managementPort, "/actuator/health/readiness").healthStatus()));
	}

	@Test
	void servesTheExposedEndpointsOnTheManagementPortOnly() {
		for (String endpoint : EXPOSED) {
			assertThat(Http.get(this.managementPort, "/actuator/" + endpoint).status()).as("management " + endpoint)
				.isEqualTo(200);
			assertThat(Http.get(this.applicationPort, "/actuator/" + endpoint).status())
				.as("application " + endpoint)
				.isEqualTo(404);
		}
		assertThat(Http.get(this.managementPort, "/actuator/prometheus").body()).contains("consumer_queue_depth");
		assertThat(Http.get(this.managementPort, "/actuator/info").json().path("build").path("artifact").asString())
			.isEqualTo("message-consumer");
		assertThat(Http.post(this.applicationPort, "/actuator/deadletters/replay", "{}").status()).isEqualTo(404);
	}

	@Test
	void answersNotFoundForUnexposedEndpointsOnBothPorts() {
		for (int port : new int[] { this.applicationPort, this.managementPort }) {
			for (String endpoint : NOT_EXPOSED) {
				assertThat(Http.get(port, "/actuator/" + endpoint).status()).as(port + " GET " + endpoint)
					.isEqualTo(404);
			}
			assertThat(Http.post(port, "/actuator/shutdown", "{}").status()).as(port + " POST shutdown")
				.isEqualTo(404);
			assertThat(Http.post(port, "/actuator/loggers/ROOT", "{\"configuredLevel\":\"TRACE\"}").status())
				.as(port + " POST loggers")
				.isEqualTo(404);
		}
	}

}
