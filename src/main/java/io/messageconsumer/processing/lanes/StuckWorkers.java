package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import io.messageconsumer.processing.invoke.HandlerDeadlines;

/**
 * The check for workers stuck in a handler past the threshold, once a second, on the handler
 * deadlines' thread (shared with the handler timeout) or a thread of its own: such a worker is
 * abandoned, its message failed, and its lane gets a new worker.
 */
final class StuckWorkers {

	private final Duration stuckAfter;

	private final HandlerDeadlines sharedDeadlines;

	private HandlerDeadlines ownDeadlines;

	private ScheduledFuture<?> check;

	/**
	 * Create the check.
	 * @param stuckAfter how long a handler attempt may run
	 * @param deadlines the thread the check runs on; {@code null} for one of its own
	 */
	StuckWorkers(Duration stuckAfter, HandlerDeadlines deadlines) {
		this.stuckAfter = stuckAfter;
		this.sharedDeadlines = deadlines;
	}

	/** Start checking the lanes; the caller serializes {@code watch} and {@link #stop}. */
	void watch(Lanes lanes) {
		HandlerDeadlines deadlines = this.sharedDeadlines;
		if (deadlines == null) {
			deadlines = this.ownDeadlines = new HandlerDeadlines(this.stuckAfter);
		}
		long maxNanos = this.stuckAfter.toNanos();
		this.check = deadlines.checkEvery(Duration.ofSeconds(1), () -> lanes.abandonStuck(maxNanos));
	}

	void stop() {
		this.check.cancel(false);
		if (this.ownDeadlines != null) {
			this.ownDeadlines.close();
			this.ownDeadlines = null;
		}
	}

}
