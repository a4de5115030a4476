package io.messageconsumer.monitoring;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Counts events per second over the last five minutes, lock-free, to report rates over
 * recent windows.
 */
class RateWindow {

	private static final int SLOTS = 300;

	private final AtomicLongArray counts = new AtomicLongArray(SLOTS);

	private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);

	private final LongSupplier clockMillis;

	RateWindow(LongSupplier clockMillis) {
		this.clockMillis = clockMillis;
	}

	void record() {
		long second = this.clockMillis.getAsLong() / 1000;
		int slot = (int) (second % SLOTS);
		long stamped = this.seconds.get(slot);
		if (stamped != second && this.seconds.compareAndSet(slot, stamped, second)) {
			this.counts.set(slot, 0);
		}
		this.counts.incrementAndGet(slot);
	}

	/**
	 * Events per second over the last {@code windowSeconds} complete seconds.
	 */
	double ratePerSecond(int windowSeconds) {
		long now = this.clockMillis.getAsLong() / 1000;
		long total = 0;
		for (long second = now - windowSeconds; second < now; second++) {
			int slot = (int) (second % SLOTS);
			if (this.seconds.get(slot) == second) {
				total += this.counts.get(slot);
			}
		}
		return (double) total / windowSeconds;
	}

}
