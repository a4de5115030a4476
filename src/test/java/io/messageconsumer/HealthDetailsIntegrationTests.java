package io.messageconsumer;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged configuration alone ({@code spring.config.location} leaves out the test class
 * path's {@code config/application.properties}, which shows details to the other tests), on the
 * default single port: an anonymous caller gets each health status (the components' too) and no
 * details, and the
 * endpoints that are not exposed answer 404.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "spring.config.location=classpath:/application.yml",
		"consumer.channels=health-details-test" })
class HealthDetailsIntegrationTests {

	@Autowired
	private ServiceUnderTest service;

	@BeforeEach
	void awaitReady() {
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(20));
	}

	@Test
	void showsAnonymousCallersTheStatusOnly() {
		for (String path : new String[] { "/actuator/health", "/actuator/health/readiness",
				"/actuator/health/liveness", "/actuator/health/consumer", "/actuator/health/redis" }) {
			Http.Response response = this.service.get(path);
			assertThat(response.status()).as(path).isEqualTo(200);
			assertThat(response.json().path("status").asString()).as(path).isEqualTo("UP");
			assertStatusOnly(path + " " + response.body(), response.json());
		}
		assertThat(this.service.get("/actuator/health").json().path("components").path("consumer").path("status")
			.asString()).isEqualTo("UP");
		assertThat(this.service.get("/actuator/health/consumer").body()).doesNotContain("health-details-test")
			.doesNotContain("mode");
	}

	/** Each node holds a status, and at most the names of its groups and its components' statuses. */
	private static void assertStatusOnly(String description, JsonNode node) {
		assertThat(node.propertyNames()).as(description).contains("status").isSubsetOf("status", "groups", "components");
		for (JsonNode component : node.path("components")) {
			assertStatusOnly(description, component);
		}
	}

	@Test
	void answersNotFoundForUnexposedEndpoints() {
		for (String endpoint : ManagementPortIntegrationTests.NOT_EXPOSED) {
			assertThat(this.service.get("/actuator/" + endpoint).status()).as("GET " + endpoint).isEqualTo(404);
		}
		assertThat(this.service.post("/actuator/shutdown", "{}").status()).isEqualTo(404);
		assertThat(this.service.get("/actuator/deadletters").status()).isEqualTo(404);
	}

}
