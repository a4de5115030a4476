package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroups;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Each stream's pending count and lag as the group sees them ({@code XINFO GROUPS}, through
 * Spring Data Redis's typed {@link XInfoGroups}), sampled every {@link #INTERVAL} into the
 * {@code consumer.stream.pending} and {@code consumer.stream.lag} gauges and the health details.
 * A figure not known yet (or that Redis cannot tell, as a lag after deletions) is NaN on the
 * gauge and {@code unknown} in the details.
 */
final class StreamStats {

	/** How often the figures are sampled. */
	static final Duration INTERVAL = Duration.ofSeconds(2);

	private final StringRedisTemplate redis;

	private final String group;

	private final Map<String, Figures> figures = new LinkedHashMap<>();

	StreamStats(List<String> keys, String group, StringRedisTemplate redis, MeterRegistry meters) {
		this.redis = redis;
		this.group = group;
		for (String key : keys) {
			Figures keyFigures = new Figures();
			this.figures.put(key, keyFigures);
			Gauge.builder("consumer.stream.pending", keyFigures, (f) -> f.pending)
				.description("Entries delivered to the group and not yet acknowledged")
				.tag("stream", key)
				.register(meters);
			Gauge.builder("consumer.stream.lag", keyFigures, (f) -> f.lag)
				.description("Entries in the stream not yet delivered to the group")
				.tag("stream", key)
				.register(meters);
		}
	}

	/**
	 * Sample one stream's figures.
	 * @param key the stream
	 */
	void sample(String key) {
		XInfoGroups groups = this.redis.opsForStream().groups(key);
		for (XInfoGroup info : groups) {
			if (this.group.equals(info.groupName())) {
				Figures keyFigures = this.figures.get(key);
				keyFigures.pending = info.pendingCount();
				// Redis 7 reports the lag; Spring Data Redis has no accessor for it yet.
				keyFigures.lag = number(info.getRaw().get("lag"));
			}
		}
	}

	/**
	 * Add a stream's last figures to its health details.
	 * @param key the stream
	 * @param details the details to add {@code pending} and {@code lag} to
	 */
	void describe(String key, Map<String, Object> details) {
		Figures keyFigures = this.figures.get(key);
		details.put("pending", figure(keyFigures.pending));
		details.put("lag", figure(keyFigures.lag));
	}

	private static Object figure(double value) {
		return Double.isNaN(value) ? "unknown" : (Object) (long) value;
	}

	private static double number(Object value) {
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		try {
			return (value != null) ? Double.parseDouble(value.toString()) : Double.NaN;
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	/** Last sampled figures of one stream; NaN until known. */
	private static final class Figures {

		volatile double pending = Double.NaN;

		volatile double lag = Double.NaN;

	}

}
