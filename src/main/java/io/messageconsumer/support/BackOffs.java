package io.messageconsumer.support;

import java.time.Duration;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The service's retry pace, on Spring's {@link BackOff}: exponential, doubling, capped, with no
 * limit on attempts or elapsed time (the caller stops when it stops running).
 */
public final class BackOffs {

	private BackOffs() {
	}

	/**
	 * A doubling backoff.
	 * @param initial the first wait
	 * @param max the longest wait
	 * @return the backoff
	 */
	public static BackOff doubling(Duration initial, Duration max) {
		ExponentialBackOff backOff = new ExponentialBackOff(initial.toMillis(), 2.0);
		backOff.setMaxInterval(max.toMillis());
		return backOff;
	}

}
