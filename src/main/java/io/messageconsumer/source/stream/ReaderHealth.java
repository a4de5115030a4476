package io.messageconsumer.source.stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.redis.RedisProblem;
import io.messageconsumer.support.LogText;

/**
 * Whether one {@link StreamReader} reads, for health: its last {@code XREADGROUP} answered within
 * the block time plus a margin and nothing failed since; what keeps it from reading otherwise.
 * Tells of a read again after a failure (a reconnect, even on a new connection).
 */
final class ReaderHealth {

	/** The reader's lines, under the reader's name. */
	private static final Log logger = LogFactory.getLog(StreamReader.class);

	private final String key;

	private final String consumerName;

	private final long timeoutNanos;

	private volatile long lastReadNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	private volatile String problem = "not started";

	private boolean readBefore;

	private Runnable recovered = () -> {
	};

	ReaderHealth(String key, String consumerName, long timeoutNanos) {
		this.key = key;
		this.consumerName = consumerName;
		this.timeoutNanos = timeoutNanos;
	}

	/** Run when the reader reads again after a failure. */
	void onRecovery(Runnable action) {
		this.recovered = action;
	}

	/** A read answered. Called on the reader's thread. */
	void read() {
		this.lastReadNanos = System.nanoTime();
		if (this.problem != null) {
			logger.info("Reading stream " + this.key + " as " + this.consumerName);
			if (this.readBefore) {
				// Read again after losing its connection: a reconnect, even on a new connection.
				this.recovered.run();
			}
			this.problem = null;
		}
		this.readBefore = true;
	}

	/**
	 * A read failed; the reader retries after a pause. Called on the reader's thread.
	 * @param ex the failure
	 * @param retryMillis the pause before the next attempt
	 */
	void failed(RuntimeException ex, long retryMillis) {
		this.problem = LogText.safe(RedisProblem.describe(ex), 300);
		logger.warn("Stream " + this.key + ": " + this.problem + "; retrying in " + retryMillis + " ms");
	}

	/**
	 * Whether the reader is reading: its last {@code XREADGROUP} answered within the block time
	 * plus a margin, and nothing failed since.
	 * @return {@code true} while reading
	 */
	boolean reading() {
		return this.problem == null && System.nanoTime() - this.lastReadNanos < this.timeoutNanos;
	}

	/**
	 * What keeps the reader from reading.
	 * @return the problem, or {@code null}
	 */
	String problem() {
		return this.problem;
	}

}
