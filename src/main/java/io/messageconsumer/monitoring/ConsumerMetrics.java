package io.messageconsumer.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.PipelineListener;
import io.messageconsumer.message.DeadLetterReason;

/**
 * Records the consumer's meters and keeps the totals and rates behind {@code /actuator/consumer}.
 * <p>
 * Each meter is registered once per tag set and cached. Tags take bounded values only: the
 * {@code type} tag is a handled type or {@code unknown}, {@code channel} is the configured
 * channel or pattern.
 */
public class ConsumerMetrics implements PipelineListener {

	/** Latencies above this are not a delivery delay but a wrong {@code time}: not recorded. */
	private static final long LATENCY_CEILING_NANOS = Duration.ofDays(365).toNanos();

	/** Whole seconds whose nanoseconds surely fit in a long (about 290 years). */
	private static final long MAX_SECONDS_IN_NANOS = Long.MAX_VALUE / 1_000_000_000L - 1;

	/** Lowest histogram bucket of the delivery latency. */
	private static final Duration LATENCY_FLOOR = Duration.ofNanos(10_000);

	static final String UNKNOWN_TYPE = "unknown";

	private final MeterRegistry registry;

	private final Set<String> knownTypes;

	private final Map<String, Map<String, Counter>> received = new ConcurrentHashMap<>();

	private final Map<String, Map<Outcome, Counter>> outcomes = new ConcurrentHashMap<>();

	private final Map<String, Map<Outcome, Timer>> durations = new ConcurrentHashMap<>();

	private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

	private final Counter overflowed;

	private final RateWindow rates = new RateWindow(System::currentTimeMillis);

	private final Instant startedAt = Instant.now();

	/**
	 * Create the metrics and register the gauges.
	 * @param registry the meter registry
	 * @param knownTypes the types that have a handler
	 * @param overflowPolicy the configured overflow policy, the {@code policy} tag of {@code consumer.overflow}
	 */
	public ConsumerMetrics(MeterRegistry registry, Set<String> knownTypes, String overflowPolicy) {
		this.registry = registry;
		this.knownTypes = Set.copyOf(knownTypes);
		this.overflowed = Counter.builder("consumer.overflow")
			.description("Messages dead-lettered because their lane was full")
			.tag("policy", overflowPolicy)
			.register(registry);
	}

	@Override
	public void onReceived(InboundMessage message) {
		// Two lookups rather than a concatenated key, and plain gets before computeIfAbsent (whose
		// capturing lambdas would be allocated on every call): nothing is allocated per message.
		Map<String, Counter> bySubscription = this.received.get(message.source());
		Counter counter = (bySubscription != null) ? bySubscription.get(message.subscription()) : null;
		((counter != null) ? counter : receivedCounter(message)).increment();
	}

	private Counter receivedCounter(InboundMessage message) {
		return this.received.computeIfAbsent(message.source(), (source) -> new ConcurrentHashMap<>())
			.computeIfAbsent(message.subscription(), (key) -> Counter.builder("consumer.messages.received")
				.description("Messages received from a source")
				.tag("source", message.source())
				.tag("channel", message.subscription())
				.register(this.registry));
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		String type = tagType(disposition.type());
		Outcome outcome = disposition.outcome();
		outcomeCounter(type, outcome).increment();
		if (disposition.reason() == DeadLetterReason.OVERFLOW) {
			this.overflowed.increment();
		}
		Instant now = Instant.now();
		// In nanoseconds rather than Duration: two fewer objects per message.
		durationTimer(type, outcome).record(nanosBetween(message.receivedAt(), now), TimeUnit.NANOSECONDS);
		if (disposition.time() != null) {
			long latency = nanosBetween(disposition.time(), now);
			// A clock ahead of ours, or a time from another century.
			if (latency >= 0 && latency <= LATENCY_CEILING_NANOS) {
				latencyTimer(type).record(latency, TimeUnit.NANOSECONDS);
			}
		}
		this.rates.record();
	}

	/**
	 * Nanoseconds from {@code start} to {@code end}, as {@code Duration.between} would give them,
	 * or {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE} when that many do not fit in a long.
	 */
	private static long nanosBetween(Instant start, Instant end) {
		long seconds = end.getEpochSecond() - start.getEpochSecond();
		if (seconds > MAX_SECONDS_IN_NANOS || seconds < -MAX_SECONDS_IN_NANOS) {
			return (seconds > 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
		}
		return seconds * 1_000_000_000L + (end.getNano() - start.getNano());
	}

	private String tagType(String type) {
		return (type != null && this.knownTypes.contains(type)) ? type : UNKNOWN_TYPE;
	}

	private Counter outcomeCounter(String type, Outcome outcome) {
		Counter counter = cached(this.outcomes, type, outcome);
		return (counter != null) ? counter : registerOutcomeCounter(type, outcome);
	}

	private Counter registerOutcomeCounter(String type, Outcome outcome) {
		return this.outcomes.computeIfAbsent(type, (key) -> new EnumMap<>(Outcome.class))
			.computeIfAbsent(outcome, (key) -> Counter.builder("consumer.messages")
				.description("Messages by type and outcome")
				.tag("type", type)
				.tag("outcome", outcome.tag())
				.register(this.registry));
	}

	private Timer durationTimer(String type, Outcome outcome) {
		Timer timer = cached(this.durations, type, outcome);
		return (timer != null) ? timer : registerDurationTimer(type, outcome);
	}

	private Timer registerDurationTimer(String type, Outcome outcome) {
		return this.durations.computeIfAbsent(type, (key) -> new EnumMap<>(Outcome.class))
			.computeIfAbsent(outcome, (key) -> Timer.builder("consumer.handler.duration")
				.description("Time from receipt to outcome: decode, validate and the handler with its retries")
				.tag("type", type)
				.tag("outcome", outcome.tag())
				.publishPercentileHistogram()
				.register(this.registry));
	}

	private static <M> M cached(Map<String, Map<Outcome, M>> meters, String type, Outcome outcome) {
		Map<Outcome, M> byOutcome = meters.get(type);
		return (byOutcome != null) ? byOutcome.get(outcome) : null;
	}

	private Timer latencyTimer(String type) {
		Timer timer = this.latencies.get(type);
		return (timer != null) ? timer : registerLatencyTimer(type);
	}

	private Timer registerLatencyTimer(String type) {
		return this.latencies.computeIfAbsent(type, (key) -> Timer.builder("consumer.delivery.latency")
			.description("Time from the message's publication time to its outcome")
			.tag("type", type)
			.publishPercentileHistogram()
			// Micrometer's timer buckets start at 1 ms; a consumer's latency is often well below.
			.minimumExpectedValue(LATENCY_FLOOR)
			.register(this.registry));
	}

	/**
	 * Totals per outcome since start-up.
	 * @return outcome tag to count
	 */
	public Map<String, Long> totalsByOutcome() {
		Map<String, Long> totals = new LinkedHashMap<>();
		for (Outcome outcome : Outcome.values()) {
			totals.put(outcome.tag(), 0L);
		}
		this.outcomes.values()
			.forEach((byOutcome) -> byOutcome.forEach((outcome, counter) -> totals.merge(outcome.tag(),
					(long) counter.count(), Long::sum)));
		return totals;
	}

	/**
	 * Totals per type and outcome since start-up.
	 * @return type to (outcome tag to count)
	 */
	public Map<String, Map<String, Long>> totalsByType() {
		Map<String, Map<String, Long>> totals = new LinkedHashMap<>();
		this.outcomes.forEach((type, byOutcome) -> {
			Map<String, Long> counts = new LinkedHashMap<>();
			byOutcome.forEach((outcome, counter) -> counts.put(outcome.tag(), (long) counter.count()));
			totals.put(type, counts);
		});
		return totals;
	}

	/**
	 * Messages reaching an outcome per second over the last {@code seconds} seconds.
	 * @param seconds the window, at most 300
	 * @return the rate
	 */
	public double ratePerSecond(int seconds) {
		return this.rates.ratePerSecond(seconds);
	}

	/**
	 * When the metrics started counting.
	 * @return the start instant
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

}
