package io.messageconsumer.deadletter;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's endpoint access setting keeps the listing and turns replay off, as docs/dead-letters.md advises.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.dead-letter.replay-enabled=true", "consumer.channels=replay-read-only-test",
		"management.endpoint.deadletters.access=read-only" })
class DeadLetterEndpointReadOnlyIntegrationTests {

	@LocalServerPort
	private int port;

	@Test
	void listsButDoesNotReplayWhenAccessIsReadOnly() {
		assertThat(Http.get(this.port, "/actuator/deadletters").status()).isEqualTo(200);
		assertThat(Http.post(this.port, "/actuator/deadletters/replay", "{}").status()).isEqualTo(404);
	}

}
