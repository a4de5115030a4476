package io.messageconsumer.processing.failure;

import java.time.Duration;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How often a failing handler is tried, and how long to wait in between: Spring's
 * {@link ExponentialBackOff} allowing {@code maxAttempts - 1} retries. Each failed message
 * carries its own {@link BackOffExecution} from its first failure on (as spring-kafka's
 * {@code FailedRecordTracker} does); {@link BackOffExecution#STOP} means no attempt is left.
 */
public final class RetryBackOff implements BackOff {

	/** One attempt, no retry. */
	public static final RetryBackOff NONE = new RetryBackOff(1, Duration.ZERO, 1.0, Duration.ZERO);

	private final int maxAttempts;

	private final ExponentialBackOff backOff;

	/**
	 * Create the backoff.
	 * @param maxAttempts attempts before the message is {@code failed}; below 1 counts as 1
	 * @param initialBackoff wait before the second attempt (millisecond precision)
	 * @param multiplier factor applied to the wait after each attempt, at least 1
	 * @param maxBackoff upper bound of every wait, the first included
	 */
	public RetryBackOff(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
		this.maxAttempts = Math.max(1, maxAttempts);
		this.backOff = new ExponentialBackOff(initialBackoff.toMillis(), multiplier);
		this.backOff.setMaxInterval(maxBackoff.toMillis());
		this.backOff.setMaxAttempts(this.maxAttempts - 1L);
	}

	/**
	 * Attempts before a message is {@code failed}.
	 * @return the first attempt and its retries, at least 1
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Start the waits of one failed message: each {@link BackOffExecution#nextBackOff()} is the
	 * wait in milliseconds before its next attempt, or {@link BackOffExecution#STOP}.
	 * @return a new execution
	 */
	@Override
	public BackOffExecution start() {
		return this.backOff.start();
	}

	@Override
	public String toString() {
		return "RetryBackOff[maxAttempts=" + this.maxAttempts + ", " + this.backOff + "]";
	}

}
