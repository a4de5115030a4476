package io.messageconsumer.source.stream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One counter of a name per configured stream, tagged {@code stream}, all registered at start-up
 * (so each series exists at 0 before its first event) and looked up by stream key.
 */
final class StreamCounters {

	private final Map<String, Counter> byStream;

	StreamCounters(String name, String description, List<String> keys, MeterRegistry meters) {
		Map<String, Counter> counters = new HashMap<>();
		for (String key : keys) {
			counters.put(key, Counter.builder(name).description(description).tag("stream", key).register(meters));
		}
		this.byStream = Map.copyOf(counters);
	}

	/**
	 * Count events of a stream.
	 * @param key a configured stream
	 * @param amount how many
	 */
	void increment(String key, double amount) {
		Counter counter = this.byStream.get(key);
		if (counter != null) {
			counter.increment(amount);
		}
	}

}
