package io.messageconsumer.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import io.messageconsumer.config.ConsumerInstance;


/**
 * How this service's Redis connections are named and how fast they come back, whatever the mode.
 */
@Configuration(proxyBeanMethods = false)
class RedisClientConfiguration {

	/** With Sentinel, moves every connection of this instance to a newly named master at once. */
	@Bean
	SentinelFollower sentinelFollower(RedisConnectionFactory connectionFactory, StringRedisTemplate redis,
			ConsumerInstance instance) {
		return new SentinelFollower((LettuceConnectionFactory) connectionFactory, redis, instance.clientName());
	}

	/**
	 * Names every connection of this instance so the subscriber can be found in {@code CLIENT LIST};
	 * a {@code spring.data.redis.client-name} set by the user wins.
	 */
	@Bean
	LettuceClientConfigurationBuilderCustomizer consumerClientName(DataRedisProperties redisProperties,
			ConsumerInstance instance) {
		return (builder) -> {
			if (redisProperties.getClientName() == null) {
				builder.clientName(instance.clientName());
			}
		};
	}

	/**
	 * Caps Lettuce's reconnect backoff at 5 s (its default grows to 30 s), so the consumer is back
	 * within seconds of Redis returning, however long Redis was away.
	 */
	@Bean
	ClientResourcesBuilderCustomizer consumerReconnectDelay() {
		return (builder) -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS));
	}

}
