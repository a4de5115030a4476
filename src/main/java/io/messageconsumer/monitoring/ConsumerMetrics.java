package io.messageconsumer.monitoring;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.PipelineListener;
import io.messageconsumer.message.DeadLetterReason;

/**
 * Records the consumer's meters and keeps the totals and rates behind {@code /actuator/consumer}.
 * <p>
 * Each meter is registered once per tag set and cached. Tags take bounded values only: the
 * {@code type} tag is a handled type or {@code unknown}, {@code channel} is the configured
 * channel or pattern. The {@code consumer.messages} series of every handled type and outcome,
 * and of {@code unknown} with {@code rejected} (the only outcome a message without a handler
 * can have), and {@code consumer.retries} of every handled type exist from start-up at 0, so
 * that {@code increase(...)} sees the first event.
 */
public class ConsumerMetrics implements PipelineListener {

	static final String UNKNOWN_TYPE = "unknown";

	private final MeterRegistry registry;

	private final Set<String> knownTypes;

	private final MeterCache<String, Counter> received = new MeterCache<>(ConcurrentHashMap::new, this::registerReceivedCounter);

	private final MeterCache<Outcome, Counter> outcomes = new MeterCache<>(ConsumerMetrics::byOutcome,
			this::registerOutcomeCounter);

	private final MeterCache<Outcome, Timer> durations = new MeterCache<>(ConsumerMetrics::byOutcome,
			this::registerDurationTimer);

	private final Map<String, Counter> retries;

	private final DeliveryLatency latency;

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
		this.latency = new DeliveryLatency(registry);
		Map<String, Counter> retryCounters = new HashMap<>();
		for (String type : this.knownTypes) {
			for (Outcome outcome : Outcome.values()) {
				this.outcomes.get(type, outcome);
			}
			retryCounters.put(type, Counter.builder("consumer.retries")
				.description("Handler attempts after the first: retries of failed attempts")
				.tag("type", type)
				.register(registry));
		}
		this.outcomes.get(UNKNOWN_TYPE, Outcome.REJECTED);
		this.retries = Map.copyOf(retryCounters);
		this.overflowed = Counter.builder("consumer.overflow")
			.description("Messages dead-lettered because their lane was full")
			.tag("policy", overflowPolicy)
			.register(registry);
	}

	@Override
	public void onReceived(InboundMessage message) {
		this.received.get(message.source(), message.subscription()).increment();
	}

	private Counter registerReceivedCounter(String source, String subscription) {
		return Counter.builder("consumer.messages.received")
			.description("Messages received from a source")
			.tag("source", source)
			.tag("channel", subscription)
			.register(this.registry);
	}

	@Override
	public void onRetry(InboundMessage message, Envelope envelope) {
		// A retried message was routed, so its type has a handler and a counter.
		Counter counter = this.retries.get(envelope.type());
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		String type = tagType(disposition.type());
		Outcome outcome = disposition.outcome();
		this.outcomes.get(type, outcome).increment();
		if (disposition.reason() == DeadLetterReason.OVERFLOW) {
			this.overflowed.increment();
		}
		Instant now = Instant.now();
		if (disposition.attempts() > 0) {
			// Only messages that reached a handler: a rejection before it is not a handler's time.
			// In nanoseconds rather than Duration: two fewer objects per message.
			this.durations.get(type, outcome)
				.record(DeliveryLatency.nanosBetween(message.receivedAt(), now), TimeUnit.NANOSECONDS);
		}
		if (disposition.time() != null) {
			this.latency.record(type, disposition.time(), now);
		}
		this.rates.record();
	}

	private String tagType(String type) {
		return (type != null && this.knownTypes.contains(type)) ? type : UNKNOWN_TYPE;
	}

	private static <M> Map<Outcome, M> byOutcome() {
		return new EnumMap<>(Outcome.class);
	}

	private Counter registerOutcomeCounter(String type, Outcome outcome) {
		return Counter.builder("consumer.messages")
			.description("Messages by type and outcome")
			.tag("type", type)
			.tag("outcome", outcome.tag())
			.register(this.registry);
	}

	private Timer registerDurationTimer(String type, Outcome outcome) {
		return Timer.builder("consumer.handler.duration")
			.description("Time from receipt to outcome of messages that reached a handler, its retries included")
			.tag("type", type)
			.tag("outcome", outcome.tag())
			.publishPercentileHistogram()
			.register(this.registry);
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
		this.outcomes.forEach((type, byOutcome) -> byOutcome.forEach((outcome, counter) -> totals.merge(outcome.tag(),
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
