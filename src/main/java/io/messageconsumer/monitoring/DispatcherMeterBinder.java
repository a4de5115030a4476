package io.messageconsumer.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.messageconsumer.processing.lanes.MessageDispatcher;

/**
 * Registers the gauges {@code consumer.queue.depth} and {@code consumer.in.flight}.
 */
public class DispatcherMeterBinder implements MeterBinder {

	private final MessageDispatcher dispatcher;

	/**
	 * Create the binder.
	 * @param dispatcher the source of both gauges
	 */
	public DispatcherMeterBinder(MessageDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("consumer.queue.depth", this.dispatcher, MessageDispatcher::queueDepth)
			.description("Messages buffered between the Redis connection and the workers")
			.register(registry);
		Gauge.builder("consumer.in.flight", this.dispatcher, MessageDispatcher::inFlight)
			.description("Messages being processed")
			.register(registry);
	}

}
