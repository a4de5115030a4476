package io.messageconsumer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.deadletter.DeadLetterStreamLength;
import io.messageconsumer.deadletter.DeadLetterWriter;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.monitoring.BuildInfoMeterBinder;
import io.messageconsumer.monitoring.ConsumerEndpoint;
import io.messageconsumer.monitoring.ConsumerHealthIndicator;
import io.messageconsumer.monitoring.ConsumerMetrics;
import io.messageconsumer.monitoring.DispatcherMeterBinder;
import io.messageconsumer.config.GapTrackingProperties;
import io.messageconsumer.monitoring.ReadinessAnnouncer;
import io.messageconsumer.monitoring.SequenceGapTracker;
import io.messageconsumer.monitoring.SourceMeterBinder;
import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.processing.invoke.HandlerDeadlines;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.decode.MessageJson;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.processing.OutcomeLogger;
import io.messageconsumer.tracing.MessageTracing;
import io.messageconsumer.processing.invoke.TimeoutHandlerInvoker;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.source.SourceStatus;
import io.messageconsumer.config.ConsumerInstance;
import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.config.RetryProperties;
import io.messageconsumer.config.StreamsProperties;

/**
 * Composes the pipeline in one visible place: the decoder, the router over every
 * {@link MessageHandler} bean, the handler decorators (innermost first), the outcome
 * observers (in the order they are told), the dead-letter writer as the recoverer of rejected and
 * failed messages, the bounded dispatcher, and the monitoring around them.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

	@Bean
	ConsumerInstance consumerInstance(DataRedisProperties redisProperties) {
		return ConsumerInstance.of(redisProperties.getClientName(), StreamsProperties.hostName());
	}

	@Bean
	MessageRouter messageRouter(Map<String, MessageHandler<?>> handlers) {
		return new MessageRouter(handlers);
	}

	@Bean
	DeadLetterWriter deadLetterWriter(StringRedisTemplate redis, MeterRegistry meters, ConsumerProperties properties) {
		return new DeadLetterWriter(redis, meters, properties.deadLetter().stream(),
				properties.deadLetter().maxLength(), properties.maxMessageSize(),
				properties.deadLetter().bufferSize().toBytes());
	}

	@Bean
	DeadLetterStreamLength deadLetterStreamLength(StringRedisTemplate redis, ConsumerProperties properties) {
		return new DeadLetterStreamLength(redis, properties.deadLetter().stream());
	}

	@Bean
	ConsumerMetrics consumerMetrics(MeterRegistry meters, MessageRouter router, ConsumerProperties properties) {
		return new ConsumerMetrics(meters, router.types(), properties.overflow().name().toLowerCase(Locale.ROOT));
	}

	@Bean
	SequenceGapTracker sequenceGapTracker(MeterRegistry meters, GapTrackingProperties properties) {
		return new SequenceGapTracker(meters, properties.maxSources());
	}

	@Bean(destroyMethod = "close")
	HandlerDeadlines handlerDeadlines(ConsumerProperties properties) {
		return new HandlerDeadlines(properties.handlerTimeout());
	}

	@Bean(destroyMethod = "close")
	TimeoutHandlerInvoker timeoutHandlerInvoker(HandlerDeadlines deadlines) {
		return new TimeoutHandlerInvoker(HandlerInvoker.DIRECT, deadlines);
	}

	@Bean
	OutcomeLogger outcomeLogger() {
		return new OutcomeLogger();
	}

	@Bean
	MessagePipeline messagePipeline(ConsumerProperties properties, MessageRouter router, Validator validator,
			TimeoutHandlerInvoker timeoutInvoker, ConsumerMetrics metrics, DeadLetterWriter deadLetters,
			SequenceGapTracker gapTracker, OutcomeLogger outcomeLogger, MessageTracing tracing) {
		EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(properties.jsonLimits()),
				properties.maxMessageSize());
		RetryProperties retry = properties.retry();
		RetryBackOff retryBackOff = new RetryBackOff(retry.maxAttempts(), retry.initialBackoff(), retry.multiplier(),
				retry.maxBackoff());
		// Each attempt is bounded by the timeout; the lanes retry failed attempts without blocking other keys.
		// The observers, in the order they are told; what becomes of each message is the settlement's
		// alone: acknowledged once handled, or once the dead-letter writer has recorded it. The steps
		// themselves are composed in MessagePipeline; the dispatcher below is their one entry.
		return new MessagePipeline(decoder, router, validator, timeoutInvoker, retryBackOff,
				List.of(gapTracker, metrics, outcomeLogger), deadLetters, tracing);
	}

	@Bean
	MessageDispatcher messageDispatcher(MessagePipeline pipeline, ConsumerProperties properties,
			HandlerDeadlines deadlines) {
		Duration overflowWait = (properties.overflow() == ConsumerProperties.Overflow.BLOCK) ? properties.overflowWait()
				: Duration.ZERO;
		return pipeline.dispatcher(new MessageDispatcher.Settings(properties.concurrency(), properties.queueCapacity(),
				overflowWait, deadlines.stuckAfter(), properties.shutdown().drainTimeout()), deadlines);
	}

	@Bean
	DispatcherMeterBinder dispatcherMeterBinder(MessageDispatcher dispatcher) {
		return new DispatcherMeterBinder(dispatcher);
	}

	@Bean
	SourceMeterBinder sourceMeterBinder(List<SourceStatus.Source> sources) {
		return new SourceMeterBinder(sources);
	}

	@Bean
	BuildInfoMeterBinder buildInfoMeterBinder(ObjectProvider<BuildProperties> build) {
		return new BuildInfoMeterBinder(build.getIfAvailable());
	}

	@Bean
	ConsumerHealthIndicator consumerHealthIndicator(ConsumerProperties properties, List<SourceStatus.Source> sources,
			MessageDispatcher dispatcher) {
		return new ConsumerHealthIndicator(properties, sources, dispatcher);
	}

	@Bean
	ReadinessAnnouncer readinessAnnouncer(ConsumerProperties properties, List<SourceStatus.Source> sources,
			MessageDispatcher dispatcher) {
		return new ReadinessAnnouncer(properties, sources, dispatcher::isRunning);
	}

	@Bean
	ConsumerEndpoint consumerEndpoint(ConsumerMetrics metrics, MessageDispatcher dispatcher,
			DeadLetterWriter deadLetters) {
		return new ConsumerEndpoint(metrics, dispatcher, deadLetters::writtenCount);
	}

}
