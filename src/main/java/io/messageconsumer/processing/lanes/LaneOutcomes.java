package io.messageconsumer.processing.lanes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.AttemptResult;
import io.messageconsumer.processing.failure.Settlement;

/**
 * What becomes of a lane's work once its attempt is over, or once the lane gives up on it: it
 * waits aside for its retry, or it settles, and the lane counts it off its pending messages.
 *
 * @param retries the lane's retries, waiting aside
 * @param settlement settles what is over
 * @param pending the lane's messages not yet settled: queued, waiting, being retried or running
 */
record LaneOutcomes(KeyedRetryQueue retries, Settlement settlement, AtomicInteger pending) {

	/**
	 * After an attempt: a failure with attempts left waits aside for its retry; otherwise the
	 * message settles and what waited behind its key is released. One that failed because the lane
	 * was aborted at shutdown (its worker interrupted, or its retry no longer possible) is
	 * unprocessed: a stream entry goes back to its source, as the queued ones do, rather than to
	 * the dead letters.
	 */
	void finish(Work work, AttemptResult result) {
		Disposition disposition = result.disposition();
		if (disposition == null && this.retries.schedule(result.retry(), result.retryAfterNanos())) {
			return;
		}
		boolean stopping = this.retries.isClosed()
				&& (disposition == null || disposition.outcome() == Outcome.FAILED);
		if (disposition == null) {
			disposition = Disposition.rejected(DeadLetterReason.SHUTDOWN,
					"attempt failed while the consumer was stopping; not retried", work.delivery.envelope());
		}
		this.pending.decrementAndGet();
		if (stopping) {
			this.settlement.unprocessed(work.delivery.message(), disposition, work.delivery.settled(),
					work.delivery.trace());
		}
		else {
			this.settlement.settle(work.delivery.message(), disposition, work.delivery.settled(), work.delivery.trace());
		}
		this.retries.release(work.key());
	}

	/**
	 * The lane abandoned the work stuck in its handler: it fails; its key is released by the
	 * lane's next worker.
	 */
	void abandoned(Work work, long maxNanos) {
		this.pending.decrementAndGet();
		this.settlement.settle(work.delivery.message(), Disposition.failed(work.delivery.envelope(),
				"handler did not finish within " + TimeUnit.NANOSECONDS.toMillis(maxNanos) + " ms",
				work.delivery.attempt()), work.delivery.settled(), work.delivery.trace());
	}

}
