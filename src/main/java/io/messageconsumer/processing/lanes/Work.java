package io.messageconsumer.processing.lanes;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One delivery in a lane, from admission to its outcome: when it started running, when its
 * retry is due, and whether its worker finished it or the lane abandoned it.
 */
final class Work {

	static final int RUNNING = 0;

	static final int FINISHED = 1;

	static final int ABANDONED = 2;

	/** Not work: wakes a worker waiting for the queue, so that it looks again at its retries. */
	static final Work WAKE = new Work(null);

	final Delivery delivery;

	/** {@link #RUNNING} until the worker finishes it or the lane abandons it: whoever moves it first settles it. */
	final AtomicInteger state = new AtomicInteger(RUNNING);

	volatile long startedNanos;

	/** When a retry is due; guarded by the {@link KeyedRetryQueue} that holds it. */
	long dueNanos;

	Work(Delivery delivery) {
		this.delivery = delivery;
	}

	Delivery delivery() {
		return this.delivery;
	}

	String key() {
		return this.delivery.key();
	}

	/** Move from running to {@code to}; {@code false} when another party already did. */
	boolean leaveRunning(int to) {
		return this.state.compareAndSet(RUNNING, to);
	}

}
