package io.messageconsumer.processing.lanes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A lane's retries, waiting aside: each failed attempt waits out its backoff here while the
 * worker goes on with other keys, and the later messages of its key are held behind it; once
 * the key's retried message is settled they are released, in arrival order, ahead of the lane's
 * queue. Closed at shutdown, it gives up everything it holds and takes no more retries.
 */
final class KeyedRetryQueue {

	private final PriorityQueue<Work> retries = new PriorityQueue<>(Comparator.comparingLong((work) -> work.dueNanos));

	private final Map<String, ArrayDeque<Work>> held = new HashMap<>();

	/** Released by a retry (or put back by a batch), to run before the lane's queue. */
	private final ArrayDeque<Work> ready = new ArrayDeque<>();

	private boolean closed;

	/**
	 * The next work that does not come from the lane's queue: a retry that is due, then what a
	 * retry released.
	 * @return the work, or {@code null} when there is none
	 */
	synchronized Work poll(long now) {
		Work due = this.retries.peek();
		if (due != null && due.dueNanos - now <= 0) {
			return this.retries.poll();
		}
		return this.ready.poll();
	}

	/** What a retry released, or was put back, without looking at the retries. */
	synchronized Work pollReady() {
		return this.ready.poll();
	}

	/** How long the worker may wait for its queue before the next retry is due, at most {@code max}. */
	synchronized long nanosUntilDue(long now, long max) {
		Work due = this.retries.peek();
		return (due != null) ? Math.min(due.dueNanos - now, max) : max;
	}

	/** Put work back at the head of the line. */
	synchronized void pushFront(Work work) {
		this.ready.addFirst(work);
	}

	/**
	 * Hold a first attempt whose key has a retry waiting, behind that retry.
	 * @return {@code true} when it is held
	 */
	synchronized boolean holdBehindRetry(Work work) {
		String key = work.key();
		// Nearly always nothing is held: skip hashing the key then.
		ArrayDeque<Work> waiting = (key != null && work.delivery.attempt() == 1 && !this.held.isEmpty())
				? this.held.get(key) : null;
		if (waiting == null) {
			return false;
		}
		waiting.add(work);
		return true;
	}

	/**
	 * Wait aside for {@code backoffNanos}, holding what comes later for the same key.
	 * @return {@code false} when closed meanwhile: it will never run
	 */
	synchronized boolean schedule(Delivery retry, long backoffNanos) {
		if (this.closed) {
			return false;
		}
		Work work = new Work(retry);
		work.dueNanos = System.nanoTime() + backoffNanos;
		this.retries.add(work);
		String key = retry.key();
		if (key != null) {
			this.held.putIfAbsent(key, new ArrayDeque<>());
		}
		return true;
	}

	/** A key's retried message is settled: what waited behind it runs next, in order. */
	synchronized void release(String key) {
		ArrayDeque<Work> waiting = (key != null && !this.held.isEmpty()) ? this.held.remove(key) : null;
		if (waiting != null) {
			this.ready.addAll(waiting);
		}
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	/**
	 * Take no more retries and give up everything held: released, held, then waiting retries.
	 * @return what was held
	 */
	synchronized List<Work> close() {
		this.closed = true;
		List<Work> left = new ArrayList<>(this.ready);
		this.held.values().forEach(left::addAll);
		left.addAll(this.retries);
		this.ready.clear();
		this.held.clear();
		this.retries.clear();
		return left;
	}

}
