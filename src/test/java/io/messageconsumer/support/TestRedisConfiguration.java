package io.messageconsumer.support;

import com.redis.testcontainers.RedisContainer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Test configuration that gives a Spring Boot test a real Redis and never skips it: a
 * Testcontainers {@code redis:7-alpine} wired with {@code @ServiceConnection} where a Docker
 * engine answers, otherwise a {@link RedisServerProcess} on a free port whose URL becomes
 * {@code spring.data.redis.url} (also with an engine, when the environment sets
 * {@code TEST_REDIS=process}). Either one lives exactly as long as the application context,
 * so a cached context never talks to a Redis that another context has stopped.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestRedisConfiguration {

	@Bean
	@ServiceConnection
	@Conditional(DockerAvailableCondition.class)
	RedisContainer redisContainer() {
		// Spring Boot starts a container bean before it is used and closes it with the context.
		return new RedisContainer(DockerImageName.parse("redis:7-alpine"));
	}

	@Bean(destroyMethod = "stop")
	@Conditional(DockerUnavailableCondition.class)
	RedisServerProcess redisServerProcess() {
		return RedisServerProcess.start();
	}

	@Bean
	@Conditional(DockerUnavailableCondition.class)
	DynamicPropertyRegistrar redisServerProcessProperties(RedisServerProcess redisServerProcess) {
		return (registry) -> registry.add("spring.data.redis.url", redisServerProcess::url);
	}

	/**
	 * Whether a Docker engine answers, asked once per JVM: the check costs about half a second
	 * when there is none.
	 */
	private static final class Docker {

		static final boolean AVAILABLE = isAvailable();

		private static boolean isAvailable() {
			if ("process".equals(System.getenv("TEST_REDIS"))) {
				// Asked for: say, while a local engine runs that cannot pull Testcontainers' own images.
				return false;
			}
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

	}

	/**
	 * Matches when a Docker engine answers.
	 */
	static final class DockerAvailableCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Docker.AVAILABLE;
		}

	}

	/**
	 * Matches when no Docker engine answers.
	 */
	static final class DockerUnavailableCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !Docker.AVAILABLE;
		}

	}

}
