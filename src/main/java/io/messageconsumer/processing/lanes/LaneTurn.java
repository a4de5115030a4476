package io.messageconsumer.processing.lanes;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.MessageHandler;

/**
 * Who runs a lane's work: its worker, or, for a first attempt handed to an idle lane whose
 * handler does not block ({@link MessageHandler#isNonBlocking()}), the thread that hands it over,
 * which spares the worker's wake-up. That thread holds the turn while it runs the message; a
 * worker that took work meanwhile (from another source) waits for it, so the lane still runs one
 * message at a time, in arrival order.
 */
final class LaneTurn {

	private static final long WAIT_NANOS = 20_000;

	/** The work a handing-over thread runs now; {@code null} when the turn is the worker's. */
	private final AtomicReference<Work> inline = new AtomicReference<>();

	/**
	 * Whether the thread handing {@code delivery} over may run it: a first attempt of a handler
	 * that does not block, not a batch's, on a thread not interrupted.
	 */
	static boolean mayRunInline(Delivery delivery) {
		MessageHandler<Object> handler = delivery.handler();
		return delivery.attempt() == 1 && handler.isNonBlocking() && !(handler instanceof BatchMessageHandler<?>)
				&& !Thread.currentThread().isInterrupted();
	}

	/** Take the turn for {@code work}, before claiming the idle lane; {@code false} when another thread has it. */
	boolean take(Work work) {
		return this.inline.compareAndSet(null, work);
	}

	/** Give the turn taken for {@code work} back, unless the lane took it back already (abandoned it). */
	void giveBack(Work work) {
		this.inline.compareAndSet(work, null);
	}

	/** Whether a handing-over thread runs {@code work}. */
	boolean isInline(Work work) {
		return this.inline.get() == work;
	}

	/** For the worker: wait until no handing-over thread runs work of the lane. */
	void awaitWorkersTurn() {
		while (this.inline.get() != null) {
			LockSupport.parkNanos(WAIT_NANOS);
		}
	}

}
