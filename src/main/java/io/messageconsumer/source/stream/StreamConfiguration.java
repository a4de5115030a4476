package io.messageconsumer.source.stream;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.source.ConsumerModeCondition;
import io.messageconsumer.redis.DedicatedConnectionFactory;

/**
 * Wires the stream source ({@code consumer.mode=stream} or {@code both}) onto the same
 * dispatcher and pipeline as pub/sub.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ConsumerModeCondition.Stream.class)
class StreamConfiguration {

	/** Enough calls for the JIT's optimizing compiler to take the decode path. */
	@Bean
	StreamAcknowledger streamAcknowledger(StringRedisTemplate redis, ConsumerProperties properties, MeterRegistry meters) {
		return new StreamAcknowledger(redis, properties.streams().group(), properties.streams().keys(), meters);
	}

	@Bean
	StreamConsumer streamConsumer(ConsumerProperties properties, RedisConnectionFactory connectionFactory,
			StringRedisTemplate redis, MessageDispatcher dispatcher, StreamAcknowledger streamAcknowledger,
			MessagePipeline pipeline, MeterRegistry meters, TaskScheduler taskScheduler) {
		// In both modes the warm-up runs once, before whichever source starts first.
		return new StreamConsumer(properties.streams(), DedicatedConnectionFactory.lettuce(connectionFactory), redis,
				dispatcher, streamAcknowledger, meters, pipeline.warmUp()::runOnce, taskScheduler);
	}

}
