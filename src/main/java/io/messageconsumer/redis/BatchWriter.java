package io.messageconsumer.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.springframework.context.SmartLifecycle;

/**
 * A lifecycle bean that writes what waits in its queue in batches on a {@link BatchWriterThread}
 * of its own: started with the context, and on stop it writes what is left within the stop timeout.
 * The queue is bounded by what feeds it (entries in progress, a byte budget), not by a count.
 *
 * @param <T> the queued item
 */
public abstract class BatchWriter<T> implements SmartLifecycle {

	/** How long one batch's replies may take, and the last writes on stop. */
	protected static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	/** Items per pipelined round trip. */
	private static final int BATCH = 1024;

	private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();

	private final BatchWriterThread<T> thread;

	private final int phase;

	/**
	 * Create the writer (its thread not started).
	 * @param name the thread's name, also used in log lines
	 * @param phase the lifecycle phase
	 */
	protected BatchWriter(String name, int phase) {
		this(name, phase, Duration.ZERO);
	}

	/**
	 * Create the writer (its thread not started), gathering small batches for a while.
	 * @param name the thread's name, also used in log lines
	 * @param phase the lifecycle phase
	 * @param linger how long a small batch waits after its first item for more to join it
	 */
	protected BatchWriter(String name, int phase, Duration linger) {
		this.thread = new BatchWriterThread<>(name, this.queue, BATCH, linger, this::write, this::abandon);
		this.phase = phase;
	}

	/**
	 * Queue an item to be written.
	 * @param item the item
	 */
	protected final void enqueue(T item) {
		this.queue.add(item);
	}

	/**
	 * Items waiting to be written.
	 * @return the count
	 */
	protected final int queued() {
		return this.queue.size();
	}

	/**
	 * Write one batch, on the writer's thread, its replies within {@link #WRITE_TIMEOUT}; throw to
	 * have it retried.
	 * @param batch the items, in queue order
	 */
	protected abstract void write(List<T> batch);

	/**
	 * Told what could not be written when the writer stopped.
	 * @param left the items
	 * @param cause the last failure
	 */
	protected abstract void abandon(List<T> left, RuntimeException cause);

	@Override
	public void start() {
		this.thread.start();
	}

	@Override
	public void stop() {
		this.thread.stop(WRITE_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
