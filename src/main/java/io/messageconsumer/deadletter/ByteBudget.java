package io.messageconsumer.deadletter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A number of bytes that callers take before they hand over an entry and give back once it is
 * written: a caller that finds too few waits for them, so a full buffer slows its producers down
 * instead of losing what they hand over. One entry larger than the whole budget is let in alone.
 */
final class ByteBudget {

	private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final long limit;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition freed = this.lock.newCondition();

	private long used;

	ByteBudget(long limit) {
		this.limit = limit;
	}

	/**
	 * Take bytes, waiting while they do not fit and {@code keepWaiting} holds. An interrupt does
	 * not end the wait (the entry would be lost); it is kept for the caller.
	 * @param bytes the entry's size
	 * @param keepWaiting asked every 100 ms while waiting, e.g. whether the writer still runs
	 * @param onWait run once, before the first wait, when the bytes do not fit at once
	 * @return {@code true} once taken without waiting or after a wait, {@code false} when
	 * {@code keepWaiting} ended the wait first
	 */
	boolean take(long bytes, BooleanSupplier keepWaiting, Runnable onWait) {
		boolean interrupted = false;
		boolean waited = false;
		this.lock.lock();
		try {
			while (this.used > 0 && this.used + bytes > this.limit) {
				if (!waited) {
					onWait.run();
					waited = true;
				}
				if (!keepWaiting.getAsBoolean()) {
					return false;
				}
				try {
					this.freed.awaitNanos(CHECK_NANOS);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			this.used += bytes;
			return true;
		}
		finally {
			this.lock.unlock();
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Give bytes back, waking the callers that wait for them.
	 * @param bytes what was taken for entries now written or given up
	 */
	void giveBack(long bytes) {
		this.lock.lock();
		try {
			this.used -= bytes;
			this.freed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

}
