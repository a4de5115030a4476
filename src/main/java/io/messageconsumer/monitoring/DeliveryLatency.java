package io.messageconsumer.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@code consumer.delivery.latency} timers, one per message type: the time from a message's
 * publication time (its {@code time}) to its outcome. A {@code time} ahead of our clock, or from
 * another century, is not a delivery delay and is not recorded. Times are in nanoseconds rather
 * than {@code Duration}s: fewer objects per message.
 */
final class DeliveryLatency {

	/** Latencies above this are not a delivery delay but a wrong {@code time}: not recorded. */
	private static final long CEILING_NANOS = Duration.ofDays(365).toNanos();

	/** Whole seconds whose nanoseconds surely fit in a long (about 290 years). */
	private static final long MAX_SECONDS_IN_NANOS = Long.MAX_VALUE / 1_000_000_000L - 1;

	/** Lowest histogram bucket. */
	private static final Duration FLOOR = Duration.ofNanos(10_000);

	/** Highest histogram bucket but +Inf: a backlog in a stream can be hours old. */
	static final Duration TOP = Duration.ofHours(1);

	private final MeterRegistry registry;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	DeliveryLatency(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Record one message's latency, unless its time is implausible.
	 * @param type the {@code type} tag
	 * @param published the message's publication time
	 * @param now the time of its outcome
	 */
	void record(String type, Instant published, Instant now) {
		long latency = nanosBetween(published, now);
		if (latency >= 0 && latency <= CEILING_NANOS) {
			Timer timer = this.timers.get(type);
			((timer != null) ? timer : register(type)).record(latency, TimeUnit.NANOSECONDS);
		}
	}

	private Timer register(String type) {
		return this.timers.computeIfAbsent(type, (key) -> Timer.builder("consumer.delivery.latency")
			.description("Time from the message's publication time to its outcome")
			.tag("type", type)
			.publishPercentileHistogram()
			// Micrometer's timer buckets start at 1 ms; a consumer's latency is often well below.
			.minimumExpectedValue(FLOOR)
			// Its default top bucket, 30 s, would put every backlog in +Inf; Micrometer makes this one a bucket.
			.maximumExpectedValue(TOP)
			.register(this.registry));
	}

	/**
	 * Nanoseconds from {@code start} to {@code end}, as {@code Duration.between} would give them,
	 * or {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE} when that many do not fit in a long.
	 * @param start the earlier instant
	 * @param end the later instant
	 * @return the nanoseconds between them
	 */
	static long nanosBetween(Instant start, Instant end) {
		long seconds = end.getEpochSecond() - start.getEpochSecond();
		if (seconds > MAX_SECONDS_IN_NANOS || seconds < -MAX_SECONDS_IN_NANOS) {
			return (seconds > 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
		}
		return seconds * 1_000_000_000L + (end.getNano() - start.getNano());
	}

}
