package io.messageconsumer.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One keyed lane: a bounded queue and the one worker thread that empties it, so messages with
 * the same ordering key run one at a time, in arrival order.
 * <p>
 * A worker stuck in a handler past its deadline is abandoned: the lane records the message as
 * failed and starts a new worker, so one message never blocks the lane for good.
 */
final class Lane {

	private static final Log logger = LogFactory.getLog(Lane.class);

	private final String name;

	private final ArrayBlockingQueue<Work> queue;

	private final MessagePipeline pipeline;

	private final AtomicInteger inFlight;

	private final AtomicInteger generation = new AtomicInteger();

	private volatile Thread worker;

	private volatile Work current;

	private volatile boolean closing;

	Lane(String name, int capacity, MessagePipeline pipeline, AtomicInteger inFlight) {
		this.name = name;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.pipeline = pipeline;
		this.inFlight = inFlight;
	}

	void start() {
		startWorker();
	}

	/** Queue a delivery, waiting at most {@code waitNanos} for room; {@code false} when full. */
	boolean offer(Delivery delivery, long waitNanos) {
		Work work = new Work(delivery);
		if (waitNanos <= 0) {
			return this.queue.offer(work);
		}
		try {
			return this.queue.offer(work, waitNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	int depth() {
		return this.queue.size();
	}

	/** Stop taking new work once the queue is empty; the worker ends by itself. */
	void close() {
		this.closing = true;
	}

	boolean isDrained() {
		Thread thread = this.worker;
		return this.queue.isEmpty() && this.current == null && (thread == null || !thread.isAlive());
	}

	/** Take what is still queued, for the caller to settle; interrupt the worker. */
	List<Delivery> abort() {
		List<Work> left = new ArrayList<>();
		this.queue.drainTo(left);
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

	/** Abandon the current message if it has run longer than {@code maxNanos}. */
	void abandonIfStuck(long maxNanos, long now) {
		Work work = this.current;
		if (work == null || now - work.startedNanos < maxNanos || !work.settled.compareAndSet(false, true)) {
			return;
		}
		Envelope envelope = work.delivery().envelope();
		logger.error("Handler for type '" + LogText.safe(envelope.type(), 64) + "' stuck for more than "
				+ TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms on lane " + this.name + "; abandoning its thread");
		this.pipeline.settle(work.delivery(), Disposition.failed(envelope,
				"handler did not finish within " + TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms", 1));
		Thread stuck = this.worker;
		startWorker();
		if (stuck != null) {
			stuck.interrupt();
		}
	}

	private synchronized void startWorker() {
		int id = this.generation.incrementAndGet();
		Thread thread = new Thread(() -> work(id), "consumer-" + this.name + ((id > 1) ? "-" + id : ""));
		this.current = null;
		this.worker = thread;
		thread.start();
	}

	private void work(int id) {
		while (this.generation.get() == id) {
			Work work;
			try {
				work = this.queue.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				if (this.closing) {
					return;
				}
				continue;
			}
			if (work == null) {
				if (this.closing) {
					return;
				}
				continue;
			}
			run(work, id);
		}
	}

	private void run(Work work, int id) {
		work.startedNanos = System.nanoTime();
		this.current = work;
		this.inFlight.incrementAndGet();
		try {
			Disposition disposition = this.pipeline.execute(work.delivery());
			if (work.settled.compareAndSet(false, true)) {
				this.pipeline.settle(work.delivery(), disposition);
			}
		}
		finally {
			this.inFlight.decrementAndGet();
			if (this.generation.get() == id) {
				this.current = null;
			}
			// An abandoned worker keeps the interrupt meant for it from leaking into the next message.
			Thread.interrupted();
		}
	}

	private static final class Work {

		private final Delivery delivery;

		private final AtomicBoolean settled = new AtomicBoolean();

		private volatile long startedNanos;

		Work(Delivery delivery) {
			this.delivery = delivery;
		}

		Delivery delivery() {
			return this.delivery;
		}

	}

}
