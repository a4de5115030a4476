package io.messageconsumer.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The bounded stage between a source and the workers: a source hands each message over and
 * returns at once; {@code concurrency} workers take them from a queue of fixed capacity.
 * <p>
 * A full queue rejects the message as {@code overflow} (dead-lettered, never dropped
 * silently). On stop, the workers drain what is buffered for at most the drain timeout;
 * anything still buffered then is rejected as {@code shutdown}.
 */
public class MessageDispatcher implements SmartLifecycle {

	/** Stops after the sources (which stop first) and before the dead-letter writer. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Log logger = LogFactory.getLog(MessageDispatcher.class);

	private final MessagePipeline pipeline;

	private final int concurrency;

	private final int capacity;

	private final Duration drainTimeout;

	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile ThreadPoolExecutor executor;

	private volatile Instant lastMessageAt;

	/**
	 * Create the dispatcher.
	 * @param pipeline processes each message
	 * @param concurrency worker threads
	 * @param capacity messages buffered
	 * @param drainTimeout how long buffered messages may take to finish on stop
	 */
	public MessageDispatcher(MessagePipeline pipeline, int concurrency, int capacity, Duration drainTimeout) {
		this.pipeline = pipeline;
		this.concurrency = concurrency;
		this.capacity = capacity;
		this.drainTimeout = drainTimeout;
	}

	/**
	 * Hand a message to the workers; never blocks.
	 * @param message the message
	 */
	public void dispatch(InboundMessage message) {
		this.lastMessageAt = message.receivedAt();
		this.pipeline.received(message);
		ThreadPoolExecutor current = this.executor;
		if (current == null) {
			this.pipeline.reject(message, RejectReason.SHUTDOWN, "received while the consumer is stopped");
			return;
		}
		try {
			current.execute(new Work(message));
		}
		catch (RejectedExecutionException ex) {
			RejectReason reason = current.isShutdown() ? RejectReason.SHUTDOWN : RejectReason.OVERFLOW;
			this.pipeline.reject(message, reason, (reason == RejectReason.OVERFLOW)
					? "buffer full (consumer.queue-capacity=" + this.capacity + ")" : "received while shutting down");
		}
	}

	/**
	 * Messages buffered and not yet taken by a worker.
	 * @return the queue depth
	 */
	public int queueDepth() {
		ThreadPoolExecutor current = this.executor;
		return (current != null) ? current.getQueue().size() : 0;
	}

	/**
	 * Messages a worker is processing now.
	 * @return the in-flight count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * When the last message arrived.
	 * @return the instant, or {@code null} before the first message
	 */
	public Instant lastMessageAt() {
		return this.lastMessageAt;
	}

	@Override
	public synchronized void start() {
		if (this.executor == null) {
			this.executor = new ThreadPoolExecutor(this.concurrency, this.concurrency, 0, TimeUnit.MILLISECONDS,
					new ArrayBlockingQueue<>(this.capacity), new WorkerThreadFactory(), new ThreadPoolExecutor.AbortPolicy());
			this.executor.prestartAllCoreThreads();
		}
	}

	@Override
	public synchronized void stop() {
		ThreadPoolExecutor current = this.executor;
		if (current == null) {
			return;
		}
		long started = System.nanoTime();
		int buffered = current.getQueue().size() + this.inFlight.get();
		current.shutdown();
		boolean drained = awaitTermination(current, this.drainTimeout);
		if (!drained) {
			List<Runnable> left = current.shutdownNow();
			for (Runnable work : left) {
				this.pipeline.reject(((Work) work).message, RejectReason.SHUTDOWN,
						"still buffered when the drain timeout (" + this.drainTimeout + ") ran out");
			}
			awaitTermination(current, Duration.ofSeconds(5));
			logger.warn("Drain timeout ran out: " + left.size() + " buffered message(s) dead-lettered as shutdown");
		}
		this.executor = null;
		logger.info("Drained " + buffered + " buffered message(s) in "
				+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
	}

	private static boolean awaitTermination(ThreadPoolExecutor executor, Duration timeout) {
		try {
			return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return executor.isTerminated();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private final class Work implements Runnable {

		private final InboundMessage message;

		Work(InboundMessage message) {
			this.message = message;
		}

		@Override
		public void run() {
			MessageDispatcher.this.inFlight.incrementAndGet();
			try {
				MessageDispatcher.this.pipeline.process(this.message);
			}
			finally {
				MessageDispatcher.this.inFlight.decrementAndGet();
			}
		}

	}

	private static final class WorkerThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "consumer-worker-" + this.count.incrementAndGet());
			thread.setDaemon(false);
			return thread;
		}

	}

}
