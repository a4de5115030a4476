package io.messageconsumer.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisSentinelProcesses}, against real {@code redis-server} processes.
 */
class RedisSentinelProcessesTests {

	@Test
	void failsOverToTheReplica() {
		try (RedisSentinelProcesses sentinel = RedisSentinelProcesses.start()) {
			RedisServerProcess master = sentinel.master();
			RedisServerProcess replica = sentinel.replica();
			assertThat(master.cli("ROLE")).startsWith("master");
			assertThat(replica.cli("ROLE")).startsWith("slave");
			assertThat(sentinel.sentinelUrl()).isEqualTo("redis-sentinel://127.0.0.1:" + sentinel.sentinelPort() + "#mymaster");

			long started = System.nanoTime();
			RedisServerProcess promoted = sentinel.failover();
			System.out.printf("SENTINEL FAILOVER: new master named after %d ms%n", (System.nanoTime() - started) / 1_000_000);

			assertThat(promoted).isSameAs(replica);
			assertThat(sentinel.master()).isSameAs(replica);
			assertThat(promoted.cli("ROLE")).startsWith("master");
		}
	}

}
