package io.messageconsumer.processing.lanes;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.support.LogText;

/**
 * One keyed lane: a bounded buffer ({@link LaneBuffer}) and the one worker thread that empties it,
 * so messages with the same ordering key run one at a time, in arrival order.
 * <p>
 * A failed attempt does not hold the lane: it waits aside in the {@link KeyedRetryQueue}, its
 * key's later messages behind it, while the worker goes on with other keys. A worker stuck in a
 * handler past its deadline is abandoned: the message is recorded as failed and the lane gets a
 * new worker (a new generation). For a {@link BatchMessageHandler} the worker hands over what the
 * {@link BatchCollector} gathers in one call; each message still gets its own outcome, and a
 * failed one is retried on its own. A message of a handler that does not block, handed to an idle
 * lane, runs on the thread that hands it over ({@link LaneTurn}); its retries run on the worker.
 */
final class Lane {

	private static final Log logger = LogFactory.getLog(Lane.class);

	private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final String name;

	private final LaneBuffer buffer;

	private final KeyedRetryQueue retries = new KeyedRetryQueue();

	private final BatchCollector batches;

	private final LaneRunner runner;

	private final AtomicInteger generation = new AtomicInteger();

	private final LaneTurn turn = new LaneTurn();

	private volatile Thread worker;

	Lane(String name, int capacity, Stages stages, AtomicInteger inFlight) {
		this.name = name;
		this.buffer = new LaneBuffer(capacity);
		this.batches = new BatchCollector(this.buffer.queue(), this.retries);
		this.runner = new LaneRunner(stages, new LaneOutcomes(this.retries, stages.settlement(), this.buffer.pending()),
				inFlight);
	}

	void start() {
		startWorker(List.of());
	}

	/**
	 * Accept a delivery, waiting at most {@code waitNanos} for room; {@code false} when full,
	 * interrupted, or closed while waiting (a replay waiting for room must not wait past the stop).
	 */
	boolean offer(Delivery delivery, long waitNanos) {
		if (LaneTurn.mayRunInline(delivery)) {
			Work work = new Work(delivery);
			if (this.turn.take(work)) {
				if (this.buffer.claimIdle()) {
					runInline(work);
					return true;
				}
				this.turn.giveBack(work);
			}
		}
		return this.buffer.offer(delivery, waitNanos);
	}

	/** Run a message handed to the idle lane on this thread; a retry of it is the worker's, woken for it. */
	private void runInline(Work work) {
		try {
			this.runner.run(List.of(work));
			// Unless abandoned meanwhile: then another thread may have the turn, and wake the worker itself.
			if (this.turn.isInline(work) && !this.buffer.isSettled()) {
				this.buffer.wake();
			}
		}
		finally {
			this.turn.giveBack(work);
		}
	}

	int depth() {
		return this.buffer.depth(this.runner.current() != null);
	}

	/** Take no new work; the worker ends once everything pending is settled. */
	void close() {
		this.buffer.close();
	}

	boolean isDrained() {
		Thread thread = this.worker;
		return this.buffer.isSettled() && (thread == null || !thread.isAlive());
	}

	/** Take everything not yet running, for the caller to settle; interrupt the worker. */
	synchronized List<Delivery> abort() {
		List<Work> left = this.retries.close();
		this.buffer.drainInto(left);
		Thread thread = this.worker;
		if (thread != null) {
			thread.interrupt();
		}
		return left.stream().map(Work::delivery).toList();
	}

	void awaitWorker(long millis) throws InterruptedException {
		Thread thread = this.worker;
		if (thread != null) {
			thread.join(Math.max(1, millis));
		}
	}

	/** Abandon the running message (its whole batch) if it has run longer than {@code maxNanos}. */
	void abandonIfStuck(long maxNanos, long now) {
		List<Work> running = this.runner.current();
		Work work = (running != null) ? running.get(0) : null;
		if (work == null || now - work.startedNanos < maxNanos || !work.leaveRunning(Work.ABANDONED)) {
			return;
		}
		logger.error("Handler for type '" + LogText.safe(work.delivery.envelope().type(), 64) + "' stuck for more than "
				+ TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms on " + this.name + "; abandoning its thread");
		List<String> keys = this.runner.abandon(running, maxNanos);
		this.turn.giveBack(work); // stuck on the thread that handed it over: the new worker must not wait for it
		Thread stuck = this.worker;
		startWorker(keys);
		stuck.interrupt();
	}

	private synchronized void startWorker(List<String> keysToRelease) {
		int id = this.generation.incrementAndGet();
		this.runner.clear();
		keysToRelease.forEach(this.retries::release);
		Thread thread = new Thread(() -> work(id), "consumer-" + this.name + ((id > 1) ? "-" + id : ""));
		this.worker = thread;
		thread.start();
	}

	private void work(int id) {
		while (this.generation.get() == id) {
			Work work = next();
			if (work == null) {
				if (this.buffer.isClosing() && this.buffer.isSettled()) {
					return;
				}
				continue;
			}
			if (this.retries.holdBehindRetry(work)) {
				continue;
			}
			List<Work> works = BatchCollector.startsBatch(work) ? this.batches.collect(work) : List.of(work);
			this.turn.awaitWorkersTurn();
			this.runner.run(works);
		}
	}

	/** The next work: a retry that is due, then messages released by a retry, then the queue. */
	private Work next() {
		long now = System.nanoTime();
		Work work = this.retries.poll(now);
		if (work != null) {
			return work;
		}
		try {
			return this.buffer.poll(this.retries.nanosUntilDue(now, IDLE_POLL_NANOS));
		}
		catch (InterruptedException ex) {
			return null;
		}
	}

}
