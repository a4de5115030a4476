package io.messageconsumer.processing.lanes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.messageconsumer.processing.AttemptResult;

/**
 * Runs a lane's attempts, one message or a batch in one call, then settles or retries each in
 * order ({@link LaneOutcomes}); it knows what runs now, for the lane to abandon when stuck.
 */
final class LaneRunner {

	private final Stages stages;

	private final LaneOutcomes outcomes;

	private final AtomicInteger inFlight;

	/** What runs now: one message, or every message of its batch (the first is the one watched). */
	private volatile List<Work> current;

	LaneRunner(Stages stages, LaneOutcomes outcomes, AtomicInteger inFlight) {
		this.stages = stages;
		this.outcomes = outcomes;
		this.inFlight = inFlight;
	}

	/** What runs now, or {@code null}. */
	List<Work> current() {
		return this.current;
	}

	/** Forget what ran: a new worker starts with nothing running. */
	void clear() {
		this.current = null;
	}

	/** One attempt at one message, or at a batch in one call, then each settled or retried, in order. */
	void run(List<Work> works) {
		long started = System.nanoTime();
		works.forEach((work) -> work.startedNanos = started);
		this.current = works;
		this.inFlight.addAndGet(works.size());
		List<AttemptResult> results;
		try {
			results = BatchCollector.startsBatch(works.get(0))
					? this.stages.attemptAll(works.stream().map(Work::delivery).toList())
					: List.of(this.stages.attempt(works.get(0).delivery));
		}
		finally {
			this.inFlight.addAndGet(-works.size());
			// An abandoned worker keeps the interrupt meant for it from leaking into the next message.
			Thread.interrupted();
		}
		if (!works.get(0).leaveRunning(Work.FINISHED)) {
			return; // abandoned meanwhile, a batch whole: the lane settled it and a new worker took over
		}
		this.current = null;
		for (int i = 0; i < works.size(); i++) {
			if (i == 0 || works.get(i).leaveRunning(Work.FINISHED)) {
				this.outcomes.finish(works.get(i), results.get(i));
			}
		}
	}

	/**
	 * Settle a running batch as abandoned, its first message already marked so by the caller.
	 * @param running what ran
	 * @param maxNanos the deadline it overran
	 * @return the keys of the messages abandoned here, for the new worker to release
	 */
	List<String> abandon(List<Work> running, long maxNanos) {
		Work first = running.get(0);
		List<String> keys = new ArrayList<>(running.size());
		for (Work each : running) {
			if (each == first || each.leaveRunning(Work.ABANDONED)) {
				this.outcomes.abandoned(each, maxNanos);
				keys.add(each.key());
			}
		}
		return keys;
	}

}
