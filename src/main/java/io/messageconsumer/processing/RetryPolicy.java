package io.messageconsumer.processing;

import java.time.Duration;

/**
 * How often a failing handler is tried, and how long to wait in between: exponential backoff.
 *
 * @param maxAttempts attempts before the message is {@code failed}, at least 1
 * @param initialBackoff wait before the second attempt
 * @param multiplier factor applied to the wait after each attempt
 * @param maxBackoff upper bound of the wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

	/** One attempt, no retry. */
	public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);

	/**
	 * The wait before the next attempt after attempt {@code failedAttempt} failed.
	 * @param failedAttempt the attempt that failed, starting at 1
	 * @return the wait in nanoseconds, or -1 when no attempt is left
	 */
	public long backoffNanos(int failedAttempt) {
		if (failedAttempt >= this.maxAttempts) {
			return -1;
		}
		double nanos = this.initialBackoff.toNanos() * Math.pow(this.multiplier, failedAttempt - 1.0);
		return (long) Math.min(this.maxBackoff.toNanos(), nanos);
	}

}
