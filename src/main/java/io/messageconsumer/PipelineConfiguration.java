package io.messageconsumer;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.deadletter.DeadLetterWriter;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.monitoring.ConsumerEndpoint;
import io.messageconsumer.monitoring.ConsumerHealthIndicator;
import io.messageconsumer.monitoring.ConsumerMetrics;
import io.messageconsumer.monitoring.DispatcherMeterBinder;
import io.messageconsumer.routing.EnvelopeDecoder;
import io.messageconsumer.routing.HandlerInvoker;
import io.messageconsumer.routing.MessageDispatcher;
import io.messageconsumer.routing.MessageJson;
import io.messageconsumer.routing.MessagePipeline;
import io.messageconsumer.routing.MessageRouter;
import io.messageconsumer.routing.OutcomeLogger;
import io.messageconsumer.routing.RetryingHandlerInvoker;
import io.messageconsumer.routing.SourceStatus;

/**
 * Composes the pipeline in one visible place: the decoder, the router over every
 * {@link MessageHandler} bean, the handler decorators (innermost first), the outcome
 * listeners (in the order they run), the bounded dispatcher, and the monitoring around them.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

	@Bean
	ConsumerInstance consumerInstance(DataRedisProperties redisProperties) {
		return ConsumerInstance.of(redisProperties.getClientName(), ConsumerProperties.Streams.hostName());
	}

	@Bean
	MessageRouter messageRouter(Map<String, MessageHandler<?>> handlers) {
		return new MessageRouter(handlers);
	}

	@Bean
	DeadLetterWriter deadLetterWriter(StringRedisTemplate redis, MeterRegistry meters, ConsumerProperties properties) {
		return new DeadLetterWriter(redis, meters, properties.deadLetter().stream(),
				properties.deadLetter().maxLength(), properties.maxMessageSize(), properties.queueCapacity() + 1000);
	}

	@Bean
	ConsumerMetrics consumerMetrics(MeterRegistry meters, MessageRouter router) {
		return new ConsumerMetrics(meters, router.types());
	}

	@Bean
	MessagePipeline messagePipeline(ConsumerProperties properties, MessageRouter router, Validator validator,
			ConsumerMetrics metrics, DeadLetterWriter deadLetters) {
		EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(properties.maxMessageSize()),
				properties.maxMessageSize());
		ConsumerProperties.Retry retry = properties.retry();
		HandlerInvoker invoker = new RetryingHandlerInvoker(HandlerInvoker.DIRECT, retry.maxAttempts(),
				retry.initialBackoff(), retry.multiplier(), retry.maxBackoff());
		return new MessagePipeline(decoder, router, validator, invoker,
				List.of(metrics, deadLetters, new OutcomeLogger()));
	}

	@Bean
	MessageDispatcher messageDispatcher(MessagePipeline pipeline, ConsumerProperties properties) {
		return new MessageDispatcher(pipeline, properties.concurrency(), properties.queueCapacity(),
				properties.shutdown().drainTimeout());
	}

	@Bean
	DispatcherMeterBinder dispatcherMeterBinder(MessageDispatcher dispatcher) {
		return new DispatcherMeterBinder(dispatcher);
	}

	@Bean
	ConsumerHealthIndicator consumerHealthIndicator(ConsumerProperties properties, List<SourceStatus.Source> sources,
			MessageDispatcher dispatcher) {
		return new ConsumerHealthIndicator(properties, sources, dispatcher);
	}

	@Bean
	ConsumerEndpoint consumerEndpoint(ConsumerMetrics metrics, MessageDispatcher dispatcher,
			DeadLetterWriter deadLetters) {
		return new ConsumerEndpoint(metrics, dispatcher, deadLetters::writtenCount);
	}

}
