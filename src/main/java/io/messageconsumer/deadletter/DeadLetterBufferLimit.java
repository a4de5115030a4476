package io.messageconsumer.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.support.PeriodicSummary;

/**
 * The bound on the dead letters waiting to be written: bytes ({@code consumer.dead-letter.buffer-size},
 * payloads plus a fixed allowance per entry) rather than a count. A dead letter that does not fit
 * waits, and so does the thread handing it over, until the writer makes room: back-pressure, not
 * loss. Only one still waiting when the writer has stopped, or one lost at shutdown, is dropped
 * ({@code consumer.dead.letters.dropped}) and released, so a stream entry is delivered again. The
 * waits and the drops are logged in a summary every few seconds.
 */
final class DeadLetterBufferLimit {

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	/** Bytes of the entries buffered or being written. */
	private final ByteBudget bytes;

	private final Counter dropped;

	private final PeriodicSummary waits;

	private final Runnable recordWait;

	private final PeriodicSummary drops;

	DeadLetterBufferLimit(long limitBytes, MeterRegistry meters) {
		this.bytes = new ByteBudget(limitBytes);
		this.dropped = Counter.builder("consumer.dead.letters.dropped")
			.description("Dead letters that could not be written: the writer had stopped while its buffer was full, "
					+ "or Redis was gone at shutdown")
			.register(meters);
		this.waits = new PeriodicSummary(Duration.ofSeconds(5),
				(count) -> logger.warn("Dead-letter buffer full (consumer.dead-letter.buffer-size=" + limitBytes
						+ " bytes): " + count + " message(s) waited for the writer since the last report"));
		this.recordWait = this.waits::record;
		this.drops = new PeriodicSummary(Duration.ofSeconds(5),
				(count) -> logger.error("Dead-letter writer stopped: " + count
						+ " dead letter(s) dropped since the last report, " + (long) this.dropped.count() + " in all"));
	}

	/**
	 * Make room for an entry, waiting for the writer while the buffer is full.
	 * @param entry the dead letter
	 * @param writerRunning whether the writer still runs (and so will make room)
	 * @return whether it may wait to be written; {@code false} when it was dropped
	 */
	boolean admit(DeadLetterRecord entry, BooleanSupplier writerRunning) {
		if (!this.bytes.take(entry.size(), writerRunning, this.recordWait)) {
			entry.release();
			this.dropped.increment();
			this.drops.record();
			return false;
		}
		return true;
	}

	/**
	 * The entries were written: their room is free again.
	 * @param entries the entries
	 */
	void written(List<DeadLetterRecord> entries) {
		this.bytes.giveBack(sizeOf(entries));
	}

	/**
	 * The entries will not be written: dropped, released, their room free again.
	 * @param entries the entries
	 */
	void lost(List<DeadLetterRecord> entries) {
		this.dropped.increment(entries.size());
		entries.forEach(DeadLetterRecord::release);
		this.bytes.giveBack(sizeOf(entries));
	}

	/** Log the waits and drops not reported yet, once the interval has passed. */
	void reportDrops() {
		this.waits.flush();
		this.drops.flush();
	}

	private static long sizeOf(List<DeadLetterRecord> entries) {
		long bytes = 0;
		for (DeadLetterRecord entry : entries) {
			bytes += entry.size();
		}
		return bytes;
	}

}
