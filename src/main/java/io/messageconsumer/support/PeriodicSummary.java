package io.messageconsumer.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A count of frequent events reported as one summary at most once per interval, so that a burst
 * costs a few log lines, not one per event.
 * <p>
 * The first event after a quiet interval is reported at once. Later ones are reported by the
 * first event past the interval, or by {@link #flush()}, which a scheduler calls every second:
 * the end of a burst is reported within the interval plus a second, also when nothing follows it.
 */
public final class PeriodicSummary {

	private final long intervalNanos;

	private final LongConsumer report;

	private final LongSupplier nanoClock;

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong lastReport;

	/**
	 * Create a summary.
	 * @param interval the shortest time between two reports
	 * @param report told the number of events since the last report
	 */
	public PeriodicSummary(Duration interval, LongConsumer report) {
		this(interval, report, System::nanoTime);
	}

	PeriodicSummary(Duration interval, LongConsumer report, LongSupplier nanoClock) {
		this.intervalNanos = interval.toNanos();
		this.report = report;
		this.nanoClock = nanoClock;
		this.lastReport = new AtomicLong(nanoClock.getAsLong() - this.intervalNanos);
	}

	/** Count one event, reporting the sum if the interval has passed. */
	public void record() {
		this.pending.incrementAndGet();
		reportIfDue();
	}

	/**
	 * Count events, reporting the sum if the interval has passed.
	 * @param count how many
	 */
	public void record(long count) {
		this.pending.addAndGet(count);
		reportIfDue();
	}

	/** Report what was counted since the last report, if anything was and the interval has passed. */
	public void flush() {
		reportIfDue();
	}

	private void reportIfDue() {
		if (this.pending.get() == 0) {
			return;
		}
		long now = this.nanoClock.getAsLong();
		long last = this.lastReport.get();
		if (now - last >= this.intervalNanos && this.lastReport.compareAndSet(last, now)) {
			long count = this.pending.getAndSet(0);
			if (count > 0) {
				this.report.accept(count);
			}
		}
	}

}
