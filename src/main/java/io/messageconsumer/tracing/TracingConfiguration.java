package io.messageconsumer.tracing;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How messages are traced, by Boot's own switch: with {@code management.tracing.export.enabled}
 * (off in application.properties) each message is an observation of Boot's registry, which
 * Micrometer Tracing turns into a span and Boot exports (Zipkin, or OTLP with the OpenTelemetry
 * starter); with it off no observation is made, and the log lines only carry the trace id a
 * message brought along.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

	private static final String EXPORT = "management.tracing.export.enabled";

	@Bean
	@ConditionalOnBooleanProperty(name = EXPORT, matchIfMissing = true)
	MessageTracing messageTracing(ObservationRegistry registry) {
		return new MessageTracing(registry);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = EXPORT, havingValue = false)
	MessageTracing messageTracingOff() {
		return MessageTracing.OFF;
	}

}
