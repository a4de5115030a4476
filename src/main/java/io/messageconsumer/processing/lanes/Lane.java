package io.messageconsumer.processing.lanes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.support.LogText;

/**
 * One keyed lane: a bounded buffer and the one worker thread that empties it, so messages with
 * the same ordering key run one at a time, in arrival order.
 * <p>
 * A failed attempt does not hold the lane: the message waits out its backoff aside while the
 * worker goes on with other keys; later messages of its key wait behind it, so the key's order
 * is kept. A worker stuck in a handler past its deadline is abandoned: the message is recorded
 * as failed and the lane gets a new worker. For a {@link BatchMessageHandler} the worker hands
 * over, in one call, the first attempts of that handler waiting in the lane (up to its batch
 * size); each still gets its own outcome, and a failed one is retried on its own.
 */
final class Lane {

	private static final Log logger = LogFactory.getLog(Lane.class);

	private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final String name;

	private final int capacity;

	private final ArrayBlockingQueue<Work> queue;

	private final MessagePipeline pipeline;

	private final Settlement settlement;

	private final AtomicInteger inFlight;

	/** Messages in this lane not yet settled: queued, waiting, being retried or running. */
	private final AtomicInteger pending = new AtomicInteger();

	private final AtomicInteger generation = new AtomicInteger();

	// Guarded by this: touched by the worker, and by shutdown and the watchdog.
	private boolean aborted;

	private final ArrayDeque<Work> ready = new ArrayDeque<>();

	private final Map<String, ArrayDeque<Work>> held = new HashMap<>();

	private final PriorityQueue<Work> retries = new PriorityQueue<>(Comparator.comparingLong((work) -> work.dueNanos));

	private volatile Work current;

	/** What the worker runs now when it runs a batch: {@link #current} and the rest of the batch. */
	private volatile List<Work> currentBatch;

	private volatile boolean closing;

	private volatile Thread worker;

	Lane(String name, int capacity, MessagePipeline pipeline, AtomicInteger inFlight) {
		this.name = name;
		this.capacity = capacity;
		this.queue = new ArrayBlockingQueue<>(capacity + 1);
		this.pipeline = pipeline;
		this.settlement = pipeline.settlement();
		this.inFlight = inFlight;
	}

	void start() {
		startWorker(List.of());
	}

	/** Accept a delivery, waiting at most {@code waitNanos} for room; {@code false} when full or interrupted. */
	boolean offer(Delivery delivery, long waitNanos) {
		long deadline = System.nanoTime() + waitNanos;
		// The capacity counts what waits; the one message running is on top of it.
		while (this.pending.incrementAndGet() > this.capacity + 1) {
			this.pending.decrementAndGet();
			if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(50_000);
		}
		this.queue.add(new Work(delivery));
		return true;
	}

	int depth() {
		return Math.max(0, this.pending.get() - ((this.current != null) ? 1 : 0));
	}

	/** Take no new work; the worker ends once everything pending is settled. */
	void close() {
		this.closing = true;
	}

	boolean isDrained() {
		Thread thread = this.worker;
		return this.pending.get() == 0 && (thread == null || !thread.isAlive());
	}

	/** Take everything not yet running, for the caller to settle; interrupt the worker. */
	synchronized List<Delivery> abort() {
		this.aborted = true;
		List<Work> left = new ArrayList<>(this.ready);
		this.held.values().forEach(left::addAll);
		left.addAll(this.retries);
		this.queue.drainTo(left);
		this.ready.clear();
		this.held.clear();
		this.retries.clear();
		this.pending.addAndGet(-left.size());
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

	/** Abandon the running message if it has run longer than {@code maxNanos}. */
	void abandonIfStuck(long maxNanos, long now) {
		Work work = this.current;
		if (work == null || now - work.startedNanos < maxNanos || !work.state.compareAndSet(RUNNING, ABANDONED)) {
			return;
		}
		Envelope envelope = work.delivery.envelope();
		logger.error("Handler for type '" + LogText.safe(envelope.type(), 64) + "' stuck for more than "
				+ TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms on " + this.name + "; abandoning its thread");
		List<Work> batch = this.currentBatch;
		List<Work> abandoned = (batch != null) ? batch : List.of(work);
		List<String> keys = new ArrayList<>(abandoned.size());
		for (Work each : abandoned) {
			if (each == work || each.state.compareAndSet(RUNNING, ABANDONED)) {
				settle(each, Disposition.failed(each.delivery.envelope(), "handler did not finish within "
						+ TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms", each.delivery.attempt()));
				keys.add(each.delivery.key());
			}
		}
		Thread stuck = this.worker;
		startWorker(keys);
		stuck.interrupt();
	}

	private synchronized void startWorker(List<String> keysToRelease) {
		int id = this.generation.incrementAndGet();
		this.current = null;
		this.currentBatch = null;
		keysToRelease.forEach(this::release);
		Thread thread = new Thread(() -> work(id), "consumer-" + this.name + ((id > 1) ? "-" + id : ""));
		this.worker = thread;
		thread.start();
	}

	private void work(int id) {
		while (this.generation.get() == id) {
			Work work = next();
			if (work == null) {
				if (this.closing && this.pending.get() == 0) {
					return;
				}
				continue;
			}
			if (holdBehindRetry(work)) {
				continue;
			}
			if (work.delivery.handler() instanceof BatchMessageHandler<?> batchHandler && work.delivery.attempt() == 1) {
				runAll(collect(work, batchHandler.maxBatchSize()), id);
			}
			else {
				run(work, id);
			}
		}
	}

	/**
	 * The first attempts of the same batch handler waiting right behind {@code first}, up to
	 * {@code max}, without waiting for more; held messages stay held, and the first message of
	 * another handler goes back to the head of the line.
	 */
	private List<Work> collect(Work first, int max) {
		List<Work> batch = new ArrayList<>(Math.min(max, 64));
		batch.add(first);
		while (batch.size() < max) {
			Work more = pollNow();
			if (more == null) {
				break;
			}
			if (holdBehindRetry(more)) {
				continue;
			}
			if (more.delivery.handler() != first.delivery.handler()) {
				pushBack(more);
				break;
			}
			batch.add(more);
		}
		return batch;
	}

	private synchronized Work pollNow() {
		return this.ready.isEmpty() ? this.queue.poll() : this.ready.poll();
	}

	private synchronized void pushBack(Work work) {
		this.ready.addFirst(work);
	}

	/** The next work: a retry that is due, then messages released by a retry, then the queue. */
	private Work next() {
		long wait;
		synchronized (this) {
			Work due = this.retries.peek();
			long now = System.nanoTime();
			if (due != null && due.dueNanos - now <= 0) {
				return this.retries.poll();
			}
			if (!this.ready.isEmpty()) {
				return this.ready.poll();
			}
			wait = (due != null) ? Math.min(due.dueNanos - now, IDLE_POLL_NANOS) : IDLE_POLL_NANOS;
		}
		try {
			return this.queue.poll(wait, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			return null;
		}
	}

	/** A message whose key has an attempt waiting to be retried waits behind it. */
	private synchronized boolean holdBehindRetry(Work work) {
		String key = work.delivery.key();
		// Nearly always nothing is held: skip hashing the key then.
		ArrayDeque<Work> waiting = (key != null && work.delivery.attempt() == 1 && !this.held.isEmpty())
				? this.held.get(key) : null;
		if (waiting == null) {
			return false;
		}
		waiting.add(work);
		return true;
	}

	private void run(Work work, int id) {
		work.startedNanos = System.nanoTime();
		this.current = work;
		this.inFlight.incrementAndGet();
		MessagePipeline.AttemptResult result;
		try {
			result = this.pipeline.attempt(work.delivery);
		}
		finally {
			this.inFlight.decrementAndGet();
			// An abandoned worker keeps the interrupt meant for it from leaking into the next message.
			Thread.interrupted();
		}
		if (!work.state.compareAndSet(RUNNING, FINISHED)) {
			return; // abandoned meanwhile: the watchdog settled it and a new worker took over
		}
		this.current = null;
		finish(work, result);
	}

	/**
	 * After an attempt: a failure with attempts left waits aside for its retry; otherwise the
	 * message settles. One that failed because the lane was aborted at shutdown (its worker
	 * interrupted, or its retry no longer possible) is unprocessed: a stream entry goes back to
	 * its source, as the queued ones do, rather than to the dead letters.
	 */
	private void finish(Work work, MessagePipeline.AttemptResult result) {
		Disposition disposition = result.disposition();
		if (disposition == null && scheduleRetry(result.retry(), result.retryAfterNanos())) {
			return;
		}
		boolean stopping;
		synchronized (this) {
			stopping = this.aborted && (disposition == null || disposition.outcome() == Outcome.FAILED);
		}
		if (disposition == null) {
			disposition = Disposition.rejected(DeadLetterReason.SHUTDOWN,
					"attempt failed while the consumer was stopping; not retried", work.delivery.envelope());
		}
		this.pending.decrementAndGet();
		if (stopping) {
			this.settlement.unprocessed(work.delivery.message(), disposition);
		}
		else {
			this.settlement.settle(work.delivery.message(), disposition);
		}
		synchronized (this) {
			release(work.delivery.key());
		}
	}

	/** One attempt at a batch, then each message settled or scheduled for its retry, in order. */
	private void runAll(List<Work> batch, int id) {
		long started = System.nanoTime();
		for (Work work : batch) {
			work.startedNanos = started;
		}
		this.currentBatch = batch;
		this.current = batch.get(0);
		this.inFlight.addAndGet(batch.size());
		List<MessagePipeline.AttemptResult> results;
		try {
			List<Delivery> deliveries = new ArrayList<>(batch.size());
			batch.forEach((work) -> deliveries.add(work.delivery));
			results = this.pipeline.attemptAll(deliveries);
		}
		finally {
			this.inFlight.addAndGet(-batch.size());
			Thread.interrupted();
		}
		if (!batch.get(0).state.compareAndSet(RUNNING, FINISHED)) {
			return; // abandoned meanwhile, the whole batch with it
		}
		this.current = null;
		this.currentBatch = null;
		for (int i = 0; i < batch.size(); i++) {
			Work work = batch.get(i);
			if (i > 0 && !work.state.compareAndSet(RUNNING, FINISHED)) {
				continue;
			}
			finish(work, results.get(i));
		}
	}

	/** {@code false} when the lane was aborted meanwhile and will run nothing more. */
	private synchronized boolean scheduleRetry(Delivery next, long backoffNanos) {
		if (this.aborted) {
			return false;
		}
		Work retry = new Work(next);
		retry.dueNanos = System.nanoTime() + backoffNanos;
		this.retries.add(retry);
		String key = retry.delivery.key();
		if (key != null) {
			this.held.putIfAbsent(key, new ArrayDeque<>());
		}
		return true;
	}

	/** A key's retried message is settled: what waited behind it runs next, in order. */
	private void release(String key) {
		ArrayDeque<Work> waiting = (key != null && !this.held.isEmpty()) ? this.held.remove(key) : null;
		if (waiting != null) {
			this.ready.addAll(waiting);
		}
	}

	private void settle(Work work, Disposition disposition) {
		this.pending.decrementAndGet();
		this.settlement.settle(work.delivery.message(), disposition);
	}

	private static final int RUNNING = 0;

	private static final int FINISHED = 1;

	private static final int ABANDONED = 2;

	private static final class Work {

		private final Delivery delivery;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private volatile long startedNanos;

		private long dueNanos;

		Work(Delivery delivery) {
			this.delivery = delivery;
		}

		Delivery delivery() {
			return this.delivery;
		}

	}

}
