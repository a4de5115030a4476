package io.messageconsumer.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OwnRedisServer} without Spring: one running server per class, started with the given
 * arguments, in every field and parameter of its type.
 */
@OwnRedisServer(arguments = { "--maxmemory", "10mb" })
class OwnRedisServerTests {

	private static RedisServerProcess classServer;

	private RedisServerProcess instanceServer;

	@Test
	void injectsOneRunningServerStartedWithTheArguments(RedisServerProcess parameter) {
		assertThat(classServer).isNotNull().isSameAs(this.instanceServer).isSameAs(parameter);
		assertThat(classServer.isRunning()).isTrue();
		assertThat(classServer.cli("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n10485760");
	}

}
