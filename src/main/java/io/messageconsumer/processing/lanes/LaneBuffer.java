package io.messageconsumer.processing.lanes;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A lane's admission: the queue its worker takes from, bounded by the lane's capacity, and the
 * count of the lane's messages not yet settled (queued, held behind a retry, or running), which
 * is what the capacity is measured against. An idle lane (nothing pending) can be claimed by the
 * thread that hands a message over, to run it itself ({@link #claimIdle}).
 */
final class LaneBuffer {

	private final int capacity;

	private final ArrayBlockingQueue<Work> queue;

	/** Messages in the lane not yet settled: queued, waiting, being retried or running. */
	private final AtomicInteger pending = new AtomicInteger();

	private volatile boolean closing;

	LaneBuffer(int capacity) {
		this.capacity = capacity;
		// One more for the message running, and one for a wake-up.
		this.queue = new ArrayBlockingQueue<>(capacity + 2);
	}

	/**
	 * Accept a delivery, waiting at most {@code waitNanos} for room; {@code false} when full,
	 * interrupted, or closed while waiting (a replay waiting for room must not wait past the stop).
	 */
	boolean offer(Delivery delivery, long waitNanos) {
		long deadline = System.nanoTime() + waitNanos;
		// The capacity counts what waits; the one message running is on top of it.
		while (this.pending.incrementAndGet() > this.capacity + 1) {
			this.pending.decrementAndGet();
			if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted() || this.closing) {
				return false;
			}
			LockSupport.parkNanos(50_000);
		}
		this.queue.add(new Work(delivery));
		return true;
	}

	/**
	 * Count in a message if the lane has nothing pending: the caller then runs it, or queues it
	 * with {@link #addClaimed}; {@code false} when the lane is busy or closing.
	 */
	boolean claimIdle() {
		return !this.closing && this.pending.get() == 0 && this.pending.compareAndSet(0, 1);
	}

	/** Queue work already counted in by {@link #claimIdle}. */
	void addClaimed(Work work) {
		this.queue.add(work);
	}

	/**
	 * Wake the worker waiting for the queue, so that it sees a retry scheduled by another thread;
	 * only the thread that claimed the idle lane calls it, so at most one wake-up is queued.
	 */
	void wake() {
		if (this.queue.isEmpty()) {
			this.queue.offer(Work.WAKE);
		}
	}

	/** The next queued work, waiting at most {@code nanos}; {@code null} when none came, or a wake-up. */
	Work poll(long nanos) throws InterruptedException {
		Work work = this.queue.poll(nanos, TimeUnit.NANOSECONDS);
		return (work != Work.WAKE) ? work : null;
	}

	/** Messages waiting, not counting the one running. */
	int depth(boolean running) {
		return Math.max(0, this.pending.get() - (running ? 1 : 0));
	}

	/** Take no new work. */
	void close() {
		this.closing = true;
	}

	boolean isClosing() {
		return this.closing;
	}

	boolean isSettled() {
		return this.pending.get() == 0;
	}

	/** Move what is queued into {@code left}, and count everything in it as no longer the lane's. */
	void drainInto(List<Work> left) {
		this.queue.drainTo(left);
		left.remove(Work.WAKE);
		this.pending.addAndGet(-left.size());
	}

	/** The queue, for the batch collector, which takes further messages of a batch from it. */
	ArrayBlockingQueue<Work> queue() {
		return this.queue;
	}

	/** The count, for the outcomes, which lower it as messages settle. */
	AtomicInteger pending() {
		return this.pending;
	}

}
