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

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.source.SourceStatus;

/**
 * Each stream's pending count and lag as the group sees them ({@code XINFO GROUPS}, through
 * Spring Data Redis's typed {@link XInfoGroups}), sampled every {@link #INTERVAL} into the
 * {@code consumer.stream.pending} and {@code consumer.stream.lag} gauges; and the source's health,
 * those figures beside each reader's state. A figure not known yet (or that Redis cannot tell, as a lag after deletions) is NaN on the
 * gauge and {@code unknown} in the details.
 */
final class StreamStats {

	/** How often the figures are sampled. */
	static final Duration INTERVAL = Duration.ofSeconds(2);

	private final StreamsProperties settings;

	private final StringRedisTemplate redis;

	private final Map<String, Figures> figures = new LinkedHashMap<>();

	StreamStats(StreamsProperties settings, StringRedisTemplate redis, MeterRegistry meters) {
		this.settings = settings;
		this.redis = redis;
		for (String key : settings.keys()) {
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
			if (this.settings.group().equals(info.groupName())) {
				Figures keyFigures = this.figures.get(key);
				keyFigures.pending = info.pendingCount();
				// Redis 7 reports the lag; Spring Data Redis has no accessor for it yet.
				keyFigures.lag = number(info.getRaw().get("lag"));
			}
		}
	}

	/**
	 * The source's health: consuming while every stream's reader reads, with each stream's
	 * figures and the problem that keeps a reader from reading.
	 * @param readers the readers, empty before the first start
	 * @param running whether the source runs
	 * @return the status
	 */
	SourceStatus status(List<StreamReader> readers, boolean running) {
		boolean allReading = running && !readers.isEmpty();
		Map<String, Object> streams = new LinkedHashMap<>();
		for (String key : this.settings.keys()) {
			StreamReader reader = readers.stream().filter((r) -> r.name().equals(key)).findFirst().orElse(null);
			boolean reading = reader != null && reader.health().reading();
			allReading &= reading;
			Figures keyFigures = this.figures.get(key);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("reading", reading);
			details.put("pending", figure(keyFigures.pending));
			details.put("lag", figure(keyFigures.lag));
			if (reader != null && reader.health().problem() != null && running) {
				details.put("problem", reader.health().problem());
			}
			streams.put(key, details);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("group", this.settings.group());
		details.put("consumerName", this.settings.consumerName());
		details.put("streams", streams);
		if (allReading) {
			return new SourceStatus(SourceStatus.Level.CONSUMING, "consuming", details);
		}
		return new SourceStatus(SourceStatus.Level.DOWN, running ? "connecting" : "stopped", details);
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
