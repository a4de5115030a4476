package io.messageconsumer.monitoring;

import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.messageconsumer.source.SourceStatus;

/**
 * Registers {@code consumer.source.consuming{source}} for each configured source: 1 while it
 * consumes everything it was configured to (pub/sub: every subscription confirmed by the Redis
 * server and the canary coming back, also while backlogged; stream: every reader reading), 0
 * otherwise. The same status as the {@code consumer} health, read at each scrape from what the
 * source last checked: a scrape sends no Redis command.
 */
public class SourceMeterBinder implements MeterBinder {

	private final List<SourceStatus.Source> sources;

	/**
	 * Create the binder.
	 * @param sources every configured source
	 */
	public SourceMeterBinder(List<SourceStatus.Source> sources) {
		this.sources = List.copyOf(sources);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (SourceStatus.Source source : this.sources) {
			Gauge.builder("consumer.source.consuming", source, SourceMeterBinder::consuming)
				.description("1 while the source consumes everything it was configured to, 0 otherwise")
				.tag("source", source.name())
				.register(registry);
		}
	}

	static double consuming(SourceStatus.Source source) {
		return source.status().active() ? 1 : 0;
	}

}
