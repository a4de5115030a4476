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
 * Provides a real Redis to a Spring Boot test, and never skips: a Testcontainers Redis wired
 * with {@code @ServiceConnection} where a Docker engine runs, otherwise a {@code redis-server}
 * process of its own on a free port. Either lives as long as the application context.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestRedisConfiguration {

	@Bean
	@ServiceConnection
	@Conditional(DockerAvailable.class)
	RedisContainer redisContainer() {
		return new RedisContainer(DockerImageName.parse("redis:7-alpine"));
	}

	@Bean(destroyMethod = "stop")
	@Conditional(DockerUnavailable.class)
	RedisServerProcess redisServerProcess() {
		return RedisServerProcess.start();
	}

	@Bean
	@Conditional(DockerUnavailable.class)
	DynamicPropertyRegistrar redisServerProperties(RedisServerProcess redisServerProcess) {
		return (registry) -> registry.add("spring.data.redis.url", redisServerProcess::url);
	}

	private static final class Docker {

		private static final boolean AVAILABLE = check();

		private static boolean check() {
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

	}

	static final class DockerAvailable implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return Docker.AVAILABLE;
		}

	}

	static final class DockerUnavailable implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !Docker.AVAILABLE;
		}

	}

}
