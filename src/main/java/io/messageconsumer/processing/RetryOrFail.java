package io.messageconsumer.processing;

import java.util.concurrent.TimeUnit;

import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.support.LogText;

/**
 * What an attempt comes to: handled, rejected, or failed; a failure is retried after its backoff
 * while attempts are left (the lane keeps it aside, nobody sleeps), and fails the message after
 * that. One {@link BackOffExecution} per failed delivery, as spring-kafka's
 * {@code FailedRecordTracker} keeps.
 */
final class RetryOrFail {

	private final RetryBackOff retryBackOff;

	RetryOrFail(RetryBackOff retryBackOff) {
		this.retryBackOff = retryBackOff;
	}

	AttemptResult handled(Delivery delivery, HandlerResult result) {
		Outcome outcome = (result == HandlerResult.DUPLICATE) ? Outcome.DUPLICATE : Outcome.PROCESSED;
		return AttemptResult.done(Disposition.handled(outcome, delivery.envelope(), delivery.attempt()));
	}

	AttemptResult rejected(Delivery delivery, RejectedMessageException ex) {
		return AttemptResult.done(Disposition.rejected(ex, delivery.envelope()));
	}

	/** A failed attempt: retried after a backoff while attempts are left, unless it was interrupted. */
	AttemptResult failed(Delivery delivery, Throwable ex) {
		if (ex instanceof Error && !(ex instanceof StackOverflowError)) {
			// Not worth retrying (a broken class, an assertion): fail the message now.
			return AttemptResult.done(Disposition.failed(delivery.envelope(), detail(ex), delivery.attempt()));
		}
		boolean interrupted = ex instanceof InterruptedException || Thread.currentThread().isInterrupted();
		BackOffExecution backOff = (delivery.backOff() != null) ? delivery.backOff() : this.retryBackOff.start();
		long backoffMillis = interrupted ? BackOffExecution.STOP : backOff.nextBackOff();
		return (backoffMillis != BackOffExecution.STOP)
				? AttemptResult.retryAfter(delivery.nextAttempt(backOff), TimeUnit.MILLISECONDS.toNanos(backoffMillis))
				: AttemptResult.done(Disposition.failed(delivery.envelope(), detail(ex), delivery.attempt()));
	}

	private static String detail(Throwable failure) {
		return LogText.safe(String.valueOf(failure), 900);
	}

}
