package io.messageconsumer.deadletter;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.LogText;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.DeadLetterReason;

/**
 * Re-runs selected dead letters through the pipeline, oldest first: each is handed to the
 * dispatcher like any message (its lane, its retries) and the caller waits for its outcome;
 * each entry whose new outcome is {@code processed} or {@code duplicate} is deleted.
 * <p>
 * A replay that fails again keeps its entry: the dead-letter writer never writes a replay. Entries
 * newer than the newest one at the start are left alone, so a replay always ends. One replay
 * runs at a time.
 */
final class DeadLetterReplayer {

	static final int DEFAULT_LIMIT = 100;

	static final int MAX_LIMIT = 10_000;

	private static final Log logger = LogFactory.getLog(DeadLetterReplayer.class);

	private static final int PAGE = 100;

	private final DeadLetterStream stream;

	private final MessageDispatcher dispatcher;

	private final AtomicBoolean running = new AtomicBoolean();

	DeadLetterReplayer(DeadLetterStream stream, MessageDispatcher dispatcher) {
		this.stream = stream;
		this.dispatcher = dispatcher;
	}

	/**
	 * Replay the oldest matching entries.
	 * @param reason replay only entries with this reason, or {@code null} for any
	 * @param type replay only entries with this type, or {@code null} for any
	 * @param limit replay at most this many; skipped entries do not count
	 * @return the report, or {@code null} when another replay is running
	 */
	@Nullable Map<String, Object> replay(@Nullable String reason, @Nullable String type, int limit) {
		if (!this.running.compareAndSet(false, true)) {
			return null;
		}
		try {
			Report report = new Report();
			String upTo = this.stream.newestId();
			String after = null;
			while (upTo != null && report.replayed < limit) {
				List<DeadLetterEntry> page = this.stream.page(after, upTo, PAGE);
				for (int i = 0; i < page.size() && report.replayed < limit; i++) {
					DeadLetterEntry entry = page.get(i);
					after = entry.entryId();
					if (matches(entry, reason, type)) {
						replayEntry(entry, report);
					}
				}
				if (page.size() < PAGE) {
					break;
				}
			}
			logger.info("Dead-letter replay (reason=" + LogText.safe(reason) + ", type=" + LogText.safe(type)
					+ ", limit=" + limit + "): " + report.toMap());
			return report.toMap();
		}
		finally {
			this.running.set(false);
		}
	}

	private static boolean matches(DeadLetterEntry entry, @Nullable String reason, @Nullable String type) {
		return (reason == null || reason.equals(entry.reason())) && (type == null || type.equals(entry.type()));
	}

	private void replayEntry(DeadLetterEntry entry, Report report) {
		report.selected++;
		if (entry.payload() == null || DeadLetterReason.TOO_LARGE.code().equals(entry.reason())) {
			// A too_large entry keeps only the first 1 KiB: replaying it could never succeed.
			report.skipped++;
			return;
		}
		String channel = (entry.channel() != null) ? entry.channel() : InboundMessage.REPLAY_SOURCE;
		InboundMessage message = new InboundMessage(entry.payload(), InboundMessage.REPLAY_SOURCE, channel,
				InboundMessage.REPLAY_SOURCE, Instant.now());
		Outcome outcome = this.dispatcher.submit(message).join().outcome();
		report.replayed++;
		report.outcomes.merge(outcome, 1, Integer::sum);
		if (!outcome.isDeadLettered()) {
			this.stream.delete(entry.entryId());
		}
	}

	/** Counts of one replay. */
	private static final class Report {

		private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);

		private int selected;

		private int replayed;

		private int skipped;

		Map<String, Object> toMap() {
			Map<String, Object> byOutcome = new LinkedHashMap<>();
			for (Outcome outcome : Outcome.values()) {
				byOutcome.put(outcome.tag(), this.outcomes.getOrDefault(outcome, 0));
			}
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("selected", this.selected);
			body.put("replayed", this.replayed);
			body.put("removed", count(Outcome.PROCESSED) + count(Outcome.DUPLICATE));
			body.put("stillFailing", count(Outcome.REJECTED) + count(Outcome.FAILED));
			body.put("skipped", this.skipped);
			body.put("outcomes", byOutcome);
			return body;
		}

		private int count(Outcome outcome) {
			return this.outcomes.getOrDefault(outcome, 0);
		}

	}

}
