package io.messageconsumer.source.stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.source.ConsumerModeCondition;

/**
 * Wires the stream source ({@code consumer.mode=stream} or {@code both}) onto the same
 * dispatcher and pipeline as pub/sub.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ConsumerModeCondition.Stream.class)
class StreamConfiguration {

	private static final Log logger = LogFactory.getLog(StreamConfiguration.class);

	/** Enough calls for the JIT's optimizing compiler to take the decode path. */
	private static final int WARM_UP_MESSAGES_PER_TYPE = 20_000;

	@Bean
	StreamAcknowledger streamAcknowledger(StringRedisTemplate redis, ConsumerProperties properties, MeterRegistry meters) {
		return new StreamAcknowledger(redis, properties.streams().group(), meters);
	}

	@Bean
	StreamConsumer streamConsumer(ConsumerProperties properties, RedisConnectionFactory connectionFactory,
			StringRedisTemplate redis, MessageDispatcher dispatcher, StreamAcknowledger streamAcknowledger,
			MessagePipeline pipeline, MeterRegistry meters) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("message-consumer needs Lettuce (spring.data.redis.client-type=lettuce), found "
					+ connectionFactory.getClass().getName());
		}
		// In both modes the pub/sub starter warms the pipeline up already.
		Runnable warmUp = (properties.mode() == ConsumerProperties.Mode.BOTH) ? () -> {
		} : () -> {
			long started = System.nanoTime();
			int messages = pipeline.warmUp(WARM_UP_MESSAGES_PER_TYPE);
			logger.info("Pipeline warmed up with " + messages + " synthetic messages in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		};
		return new StreamConsumer(properties.streams(), lettuce, redis, dispatcher, streamAcknowledger, meters, warmUp);
	}

}
