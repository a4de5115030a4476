package io.messageconsumer.monitoring;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code consumer} health details a probe gets at the moment readiness turns {@code UP} in
 * {@code stream} mode, where that moment is the readers' first read: each stream's pending count
 * and lag are numbers already (not {@code "unknown"} until a periodic sample), only the streams are
 * listed, and nothing is the string {@code "null"}. One test: it needs the service fresh.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=ready-stream-a,ready-stream-b",
		"consumer.streams.block=200ms" })
class ReadyHealthDetailsIntegrationTests {

	@Autowired
	private ServiceUnderTest service;

	@Test
	void answersTheFirstProbeAfterReadinessWithFiguresAndOnlyWhatTheModeConsumes() {
		this.service.awaitReady(Duration.ofSeconds(30));
		JsonNode details = this.service.json("/actuator/health/consumer").path("details");
		for (String key : new String[] { "ready-stream-a", "ready-stream-b" }) {
			JsonNode stream = details.path("sources").path("stream").path("streams").path(key);
			assertThat(stream.path("pending").isNumber()).as("%s pending: %s", key, stream).isTrue();
			assertThat(stream.path("lag").isNumber()).as("%s lag: %s", key, stream).isTrue();
		}
		assertThat(details.path("streams").toString()).contains("ready-stream-a", "ready-stream-b");
		assertThat(details.has("channels")).as("%s", details).isFalse();
		assertThat(details.has("patterns")).as("%s", details).isFalse();
		assertThat(details.has("lastMessageAt")).as("no message yet: %s", details).isFalse();
		assertThat(details.toString()).doesNotContain("\"null\"");
	}

}
