package io.messageconsumer.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.support.BackOffs;

/**
 * One thread that takes what waits in a queue in batches and writes each batch, retrying a
 * failed batch with a growing backoff (100 ms to 5 s) while it runs. With a linger, a batch that
 * would be small waits that long after its first item for more to join it: one round trip, and one
 * wake-up of the thread, per linger rather than per few items. On stop it writes what is left at
 * once; if that fails, the rest is handed to the give-up callback.
 *
 * @param <T> the queued item
 */
public final class BatchWriterThread<T> {

	private static final Log logger = LogFactory.getLog(BatchWriterThread.class);

	/** Between the attempts at a batch that failed: 100 ms, doubling, at most 5 s, for as long as it runs. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(5));

	private final String name;

	private final BlockingQueue<T> queue;

	private final int batchSize;

	private final Writer<T> writer;

	private final GiveUp<T> giveUp;

	private final long lingerNanos;

	private volatile Thread thread;

	private volatile boolean running;

	/**
	 * Create the writer thread (not started).
	 * @param name the thread's name, also used in log lines
	 * @param queue where items wait
	 * @param batchSize the largest batch written at once
	 * @param writer writes one batch, throwing to have it retried
	 * @param giveUp told what could not be written at shutdown
	 */
	public BatchWriterThread(String name, BlockingQueue<T> queue, int batchSize, Writer<T> writer, GiveUp<T> giveUp) {
		this(name, queue, batchSize, Duration.ZERO, writer, giveUp);
	}

	/**
	 * Create the writer thread (not started), gathering small batches for a while.
	 * @param name the thread's name, also used in log lines
	 * @param queue where items wait
	 * @param batchSize the largest batch written at once
	 * @param linger how long a batch smaller than {@code batchSize} waits after its first item
	 * for more; zero to write at once
	 * @param writer writes one batch, throwing to have it retried
	 * @param giveUp told what could not be written at shutdown
	 */
	public BatchWriterThread(String name, BlockingQueue<T> queue, int batchSize, Duration linger, Writer<T> writer,
			GiveUp<T> giveUp) {
		this.name = name;
		this.queue = queue;
		this.batchSize = batchSize;
		this.lingerNanos = linger.toNanos();
		this.writer = writer;
		this.giveUp = giveUp;
	}

	private void loop() {
		List<T> batch = new ArrayList<>(this.batchSize);
		BackOffExecution backOff = null;
		while (this.running || !this.queue.isEmpty() || !batch.isEmpty()) {
			try {
				if (batch.isEmpty()) {
					T first = this.queue.poll(100, TimeUnit.MILLISECONDS);
					if (first == null) {
						continue;
					}
					batch.add(first);
					linger();
					this.queue.drainTo(batch, this.batchSize - 1);
				}
				this.writer.write(batch);
				batch.clear();
				backOff = null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					List<T> left = new ArrayList<>(batch);
					this.queue.drainTo(left);
					this.giveUp.abandon(left, ex);
					return;
				}
				backOff = (backOff != null) ? backOff : RETRY.start();
				long backoffMillis = backOff.nextBackOff();
				logger.warn(this.name + ": write failed, retrying in " + backoffMillis + " ms: " + ex.getMessage());
				try {
					Thread.sleep(backoffMillis);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Let more items join a small batch: a plain wait, not a wait on the queue, so that the items
	 * arriving meanwhile do not wake the thread one by one. Never while stopping.
	 */
	private void linger() {
		long deadline = System.nanoTime() + this.lingerNanos;
		long left = this.lingerNanos;
		while (left > 0 && this.running && this.queue.size() < this.batchSize - 1) {
			LockSupport.parkNanos(left);
			left = deadline - System.nanoTime();
		}
	}

	/** Start the thread, unless it runs. */
	public synchronized void start() {
		if (this.thread == null) {
			this.running = true;
			this.thread = new Thread(this::loop, this.name);
			this.thread.start();
		}
	}

	/**
	 * Write what is left and stop, waiting at most the given time before interrupting the thread.
	 * @param timeout how long the last writes may take
	 */
	public synchronized void stop(Duration timeout) {
		Thread current = this.thread;
		if (current == null) {
			return;
		}
		this.running = false;
		LockSupport.unpark(current); // cuts a linger short: what waits is written at once
		try {
			current.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (current.isAlive()) {
			current.interrupt();
		}
		this.thread = null;
	}

	/**
	 * Whether the thread was started and not stopped.
	 * @return {@code true} while running
	 */
	public boolean isRunning() {
		return this.thread != null;
	}

	/**
	 * Writes one batch.
	 *
	 * @param <T> the item
	 */
	@FunctionalInterface
	public interface Writer<T> {

		/**
		 * Write the batch.
		 * @param batch the items, in queue order
		 */
		void write(List<T> batch);

	}

	/**
	 * Told what could not be written when the thread stopped.
	 *
	 * @param <T> the item
	 */
	@FunctionalInterface
	public interface GiveUp<T> {

		/**
		 * The items were not written.
		 * @param left the items
		 * @param cause the last failure
		 */
		void abandon(List<T> left, RuntimeException cause);

	}

}
