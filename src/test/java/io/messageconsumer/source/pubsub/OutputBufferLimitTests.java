package io.messageconsumer.source.pubsub;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutputBufferLimit}'s reading of {@code CONFIG GET client-output-buffer-limit}.
 */
class OutputBufferLimitTests {

	@Test
	void readsTheSoftLimitOfAStandaloneServer() {
		Properties config = new Properties();
		config.setProperty("client-output-buffer-limit", "normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60");

		assertThat(OutputBufferLimit.softLimit(config)).isEqualTo(8388608);
	}

	@Test
	void takesTheLowestSoftLimitOfAClustersNodes() {
		// Spring Data Redis asks every cluster node and prefixes each key with the node.
		Properties config = new Properties();
		config.setProperty("127.0.0.1:7001.client-output-buffer-limit", "pubsub 33554432 8388608 60");
		config.setProperty("127.0.0.1:7002.client-output-buffer-limit", "pubsub 33554432 4194304 60");
		config.setProperty("127.0.0.1:7003.client-output-buffer-limit", "pubsub 33554432 8388608 60");

		assertThat(OutputBufferLimit.softLimit(config)).isEqualTo(4194304);
	}

	@Test
	void answersNothingWithoutALimit() {
		assertThat(OutputBufferLimit.softLimit(new Properties())).isEqualTo(-1);
		assertThat(OutputBufferLimit.softLimit(null)).isEqualTo(-1);
	}

}
