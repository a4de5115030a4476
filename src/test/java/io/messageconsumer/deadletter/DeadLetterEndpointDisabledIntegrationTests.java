package io.messageconsumer.deadletter;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code consumer.dead-letter.replay-enabled=true} the dead-letter endpoint does not exist.
 */
@RedisIntegrationTest
@TestPropertySource(properties = "consumer.channels=replay-disabled-test")
class DeadLetterEndpointDisabledIntegrationTests {

	@LocalServerPort
	private int port;

	@Test
	void answersNotFoundUnlessReplayIsEnabled() {
		assertThat(Http.get(this.port, "/actuator/deadletters").status()).isEqualTo(404);
		assertThat(Http.post(this.port, "/actuator/deadletters/replay", "{}").status()).isEqualTo(404);
	}

}
