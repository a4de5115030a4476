package io.messageconsumer.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.support.PeriodicSummary;

/**
 * The bound on the dead letters waiting to be written: bytes ({@code consumer.dead-letter.buffer-size},
 * payloads plus a fixed allowance per entry) rather than a count, so a burst that overflows every
 * lane waits in the writer. A dead letter that does not fit, or that is lost at shutdown, is
 * dropped ({@code consumer.dead.letters.dropped}) and released, so a stream entry is delivered
 * again; the drops are logged in a summary every few seconds.
 */
final class DeadLetterBufferLimit {

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	/** Bytes of the entries buffered or being written. */
	private final AtomicLong bytes = new AtomicLong();

	private final long limitBytes;

	private final Counter dropped;

	private final PeriodicSummary drops;

	DeadLetterBufferLimit(long limitBytes, MeterRegistry meters) {
		this.limitBytes = limitBytes;
		this.dropped = Counter.builder("consumer.dead.letters.dropped")
			.description("Dead letters that could not be written: the writer's buffer was full or Redis was gone at shutdown")
			.register(meters);
		this.drops = new PeriodicSummary(Duration.ofSeconds(5),
				(count) -> logger.error("Dead-letter buffer full (consumer.dead-letter.buffer-size=" + limitBytes
						+ " bytes): " + count + " dead letter(s) dropped since the last report, "
						+ (long) this.dropped.count() + " in all"));
	}

	/**
	 * Make room for an entry, or drop it if the buffer is full.
	 * @param entry the dead letter
	 * @return whether it may wait to be written
	 */
	boolean admit(DeadLetterRecord entry) {
		long size = entry.size();
		if (this.bytes.addAndGet(size) > this.limitBytes) {
			this.bytes.addAndGet(-size);
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
		this.bytes.addAndGet(-sizeOf(entries));
	}

	/**
	 * The entries will not be written: dropped, released, their room free again.
	 * @param entries the entries
	 */
	void lost(List<DeadLetterRecord> entries) {
		this.dropped.increment(entries.size());
		entries.forEach(DeadLetterRecord::release);
		this.bytes.addAndGet(-sizeOf(entries));
	}

	/** Log the drops not reported yet, once the interval has passed. */
	void reportDrops() {
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
