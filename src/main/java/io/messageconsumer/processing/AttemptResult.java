package io.messageconsumer.processing;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.processing.lanes.Delivery;

/**
 * The result of one attempt: the final disposition, or the next attempt and the wait before it.
 *
 * @param disposition the final disposition, or {@code null} when another attempt is due
 * @param retry the next attempt, or {@code null} when there is none
 * @param retryAfterNanos the wait before the next attempt
 */
public record AttemptResult(Disposition disposition, Delivery retry, long retryAfterNanos) {

	/**
	 * The attempt ended the message.
	 * @param disposition its outcome
	 * @return the result
	 */
	public static AttemptResult done(Disposition disposition) {
		return new AttemptResult(disposition, null, 0);
	}

	/**
	 * The attempt failed, and another is due.
	 * @param retry the next attempt
	 * @param nanos the wait before it
	 * @return the result
	 */
	public static AttemptResult retryAfter(Delivery retry, long nanos) {
		return new AttemptResult(null, retry, nanos);
	}

}
