package io.messageconsumer.monitoring;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.messageconsumer.processing.lanes.MessageDispatcher;

/**
 * Registers the gauges {@code consumer.queue.depth}, {@code consumer.in.flight} and
 * {@code consumer.last.message.age}: the time since the last message arrived from any source or,
 * before the first one, since start-up, so that a consumer that never received anything ages too.
 */
public class DispatcherMeterBinder implements MeterBinder {

	private final MessageDispatcher dispatcher;

	private final long startedMillis = System.currentTimeMillis();

	/**
	 * Create the binder.
	 * @param dispatcher the source of the gauges
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
		TimeGauge
			.builder("consumer.last.message.age", this, TimeUnit.MILLISECONDS, DispatcherMeterBinder::lastMessageAgeMillis)
			.description("Time since the last message arrived; since start-up before the first one")
			.register(registry);
	}

	/**
	 * Milliseconds since the last message arrived, or since start-up before the first one.
	 * @return the age, at least 0
	 */
	double lastMessageAgeMillis() {
		Instant last = this.dispatcher.lastMessageAt();
		long since = (last != null) ? last.toEpochMilli() : this.startedMillis;
		return Math.max(0, System.currentTimeMillis() - since);
	}

}
