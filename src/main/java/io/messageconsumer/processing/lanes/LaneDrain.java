package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.processing.failure.Settlement;

/**
 * The lanes' stop: they take no new work and drain what is buffered for at most the drain
 * timeout; what is still buffered then is unprocessed (released to a source that redelivers it,
 * dead-lettered as {@code shutdown} otherwise), and the workers get a few seconds more to end.
 */
final class LaneDrain {

	// The dispatcher's stop: its log lines keep the dispatcher's name.
	private static final Log logger = LogFactory.getLog(MessageDispatcher.class);

	private static final long WORKER_END_NANOS = TimeUnit.SECONDS.toNanos(5);

	private LaneDrain() {
	}

	/**
	 * Drain the lanes, then give up what is left.
	 * @param lanes the lanes, accepting nothing more
	 * @param inFlight messages a worker is processing now
	 * @param drainTimeout how long buffered messages may take to finish
	 * @param settlement takes what is left
	 */
	static void drain(Lane[] lanes, int inFlight, Duration drainTimeout, Settlement settlement) {
		long started = System.nanoTime();
		int buffered = inFlight;
		for (Lane lane : lanes) {
			buffered += lane.depth();
			lane.close();
		}
		long deadline = started + drainTimeout.toNanos();
		for (Lane lane : lanes) {
			awaitDrained(lane, deadline);
		}
		int left = 0;
		for (Lane lane : lanes) {
			if (!lane.isDrained()) {
				for (Delivery delivery : lane.abort()) {
					left++;
					// A stream entry is left for another replica, or this one after a restart, to claim.
					settlement.unprocessed(delivery.message(), Disposition.rejected(DeadLetterReason.SHUTDOWN,
							"still buffered when the drain timeout (" + drainTimeout + ") ran out", delivery.envelope()),
							delivery.settled(), delivery.trace());
				}
			}
		}
		for (Lane lane : lanes) {
			awaitDrained(lane, System.nanoTime() + WORKER_END_NANOS);
		}
		if (left > 0) {
			logger.warn("Drain timeout ran out: " + left
					+ " buffered message(s) dead-lettered as shutdown, or left pending if they came from a stream");
		}
		logger.info("Drained " + (buffered - left) + " of " + buffered + " buffered message(s) in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
	}

	private static void awaitDrained(Lane lane, long deadlineNanos) {
		try {
			while (!lane.isDrained() && System.nanoTime() < deadlineNanos) {
				lane.awaitWorker(TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
