package io.messageconsumer.monitoring;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.LogText;
import io.messageconsumer.processing.PipelineListener;

/**
 * Makes pub/sub loss visible: tracks the highest sequence number seen per publishing source and
 * counts the numbers skipped in {@code consumer.pubsub.gaps{source}}.
 * <p>
 * Counted when a message is decoded, on the subscriber connection's thread, so in publish order
 * per publisher, and before its outcome: a message later rejected (unknown type, invalid payload,
 * overflow) arrived and is not a gap. Rules, per source, with {@code h} the highest number seen:
 * <ul>
 * <li>the first number seen only sets {@code h} (what was published before is unknown);</li>
 * <li>{@code n > h} adds {@code n - h - 1} gaps and sets {@code h = n};</li>
 * <li>{@code n <= h} is a repeat or a late message and changes nothing, unless it looks like
 * the publisher started again: {@code n} is 0 or 1, or more than {@value #RESTART_DISTANCE}
 * below {@code h}; then {@code h = n} and nothing is counted.</li>
 * </ul>
 * Only {@code pubsub} messages are tracked (a stream keeps what is not read). At most
 * {@code maxSources} sources are tracked, to bound the tag; later ones are ignored (logged once).
 */
public class SequenceGapTracker implements PipelineListener {

	/** How far below the highest number a message must be to count as a publisher restart. */
	static final long RESTART_DISTANCE = 1000;

	private static final String PUBSUB = "pubsub";

	private static final Log logger = LogFactory.getLog(SequenceGapTracker.class);

	private final MeterRegistry meters;

	private final int maxSources;

	private final Map<String, Source> sources = new HashMap<>();

	private boolean overLimitLogged;

	/**
	 * Create the tracker.
	 * @param meters where the gap counters are registered
	 * @param maxSources how many sources are tracked
	 */
	public SequenceGapTracker(MeterRegistry meters, int maxSources) {
		this.meters = meters;
		this.maxSources = maxSources;
	}

	@Override
	public void onDecoded(InboundMessage message, Envelope envelope) {
		Envelope.Sequence sequence = envelope.sequence();
		if (sequence != null && PUBSUB.equals(message.source())) {
			track((sequence.source() != null) ? sequence.source() : message.channel(), sequence.number());
		}
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
	}

	/**
	 * Take in one sequence number, in arrival order.
	 * @param name the source
	 * @param number its sequence number, at least 0
	 */
	synchronized void track(String name, long number) {
		Source source = this.sources.get(name);
		if (source == null) {
			if (this.sources.size() >= this.maxSources) {
				logLimitOnce(name);
				return;
			}
			Counter gaps = Counter.builder("consumer.pubsub.gaps")
				.description("Pub/sub messages missed: sequence numbers skipped per publishing source")
				.tag("source", name)
				.register(this.meters);
			this.sources.put(name, new Source(gaps, number));
			return;
		}
		if (number > source.highest) {
			long missed = number - source.highest - 1;
			if (missed > 0) {
				source.gaps.increment(missed);
			}
			source.highest = number;
		}
		else if (number <= 1 || source.highest - number > RESTART_DISTANCE) {
			source.highest = number;
		}
	}

	private void logLimitOnce(String name) {
		if (!this.overLimitLogged) {
			this.overLimitLogged = true;
			logger.warn("Not tracking pub/sub sequence gaps of source '" + LogText.safe(name, 64)
					+ "' nor any later new one: consumer.pubsub.gap-tracking.max-sources=" + this.maxSources
					+ " sources are tracked already");
		}
	}

	/** What is known of one source. */
	private static final class Source {

		private final Counter gaps;

		private long highest;

		Source(Counter gaps, long highest) {
			this.gaps = gaps;
			this.highest = highest;
		}

	}

}
