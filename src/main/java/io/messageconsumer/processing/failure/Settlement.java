package io.messageconsumer.processing.failure;

import java.util.concurrent.CompletableFuture;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.PipelineListener;
import io.messageconsumer.tracing.MessageTrace;

/**
 * The one place that decides what becomes of a message once it is over: a handled message is
 * acknowledged to its source, a rejected or failed one goes to the {@link DeadLetterRecoverer}
 * (which acknowledges once it is recorded), and one that will not be processed here is released
 * to a source that redelivers it. The observers are told every outcome first; they watch, and
 * nothing they do changes delivery. Whoever waits for a message's outcome (a replay) is told last.
 * A message's trace is in scope while it settles (the outcome log line carries its trace id) and
 * ends here, with the outcome, whichever way the message ends.
 */
public final class Settlement {

	private final PipelineListener observers;

	private final DeadLetterRecoverer recoverer;

	/**
	 * Create the settlement.
	 * @param observers told every outcome, before the message is acknowledged or recovered
	 * @param recoverer takes rejected and failed messages
	 */
	public Settlement(PipelineListener observers, DeadLetterRecoverer recoverer) {
		this.observers = observers;
		this.recoverer = recoverer;
	}

	/**
	 * The message reached its outcome: tell the observers, then acknowledge it if it was handled,
	 * or hand it to the recoverer if it was rejected or failed.
	 * @param message the message
	 * @param disposition its outcome
	 */
	public void settle(InboundMessage message, Disposition disposition) {
		settle(message, disposition, null, MessageTrace.NONE);
	}

	/**
	 * The message reached its outcome: settle it as {@link #settle(InboundMessage, Disposition)}
	 * does, in the scope of its trace, then end the trace with the outcome and complete
	 * {@code settled} with it.
	 * @param message the message
	 * @param disposition its outcome
	 * @param settled completed once the message is settled, or {@code null}
	 * @param trace the message's trace
	 */
	public void settle(InboundMessage message, Disposition disposition, CompletableFuture<Disposition> settled,
			MessageTrace trace) {
		try (MessageTrace.Scope scope = trace.open()) {
			this.observers.onOutcome(message, disposition);
			if (disposition.outcome().isDeadLettered()) {
				this.recoverer.recover(message, disposition);
			}
			else {
				message.acknowledgement().acknowledge();
			}
		}
		finally {
			try {
				trace.stop(disposition);
			}
			finally {
				complete(settled, disposition);
			}
		}
	}

	/**
	 * The message will not be processed here (its lane is full, or the consumer stops before it
	 * could run or finish): a source that redelivers it gets it back, with no outcome recorded;
	 * otherwise it settles with the given disposition.
	 * @param message the message
	 * @param disposition its outcome when its source does not redeliver it
	 */
	public void unprocessed(InboundMessage message, Disposition disposition) {
		unprocessed(message, disposition, null, MessageTrace.NONE);
	}

	/**
	 * The message will not be processed here: as {@link #unprocessed(InboundMessage, Disposition)},
	 * then complete {@code settled} with the disposition; its trace ends either way.
	 * @param message the message
	 * @param disposition its outcome when its source does not redeliver it
	 * @param settled completed once the message is settled or released, or {@code null}
	 * @param trace the message's trace
	 */
	public void unprocessed(InboundMessage message, Disposition disposition, CompletableFuture<Disposition> settled,
			MessageTrace trace) {
		if (released(message, disposition, settled)) {
			trace.release(disposition);
		}
		else {
			settle(message, disposition, settled, trace);
		}
	}

	/**
	 * The message arrived while the consumer is stopped: a source that redelivers it gets it
	 * back, uncounted; otherwise it counts as received and settles with the given disposition.
	 * @param message the message
	 * @param disposition its outcome when its source does not redeliver it
	 * @param settled completed once the message is settled or released, or {@code null}
	 */
	public void refuse(InboundMessage message, Disposition disposition, CompletableFuture<Disposition> settled) {
		if (!released(message, disposition, settled)) {
			this.observers.onReceived(message);
			settle(message, disposition, settled, MessageTrace.NONE);
		}
	}

	/** Give a message back to a source that redelivers it; {@code false} when its source does not. */
	private static boolean released(InboundMessage message, Disposition disposition,
			CompletableFuture<Disposition> settled) {
		if (!message.acknowledgement().redelivers()) {
			return false;
		}
		message.acknowledgement().release();
		complete(settled, disposition);
		return true;
	}

	private static void complete(CompletableFuture<Disposition> settled, Disposition disposition) {
		if (settled != null) {
			settled.complete(disposition);
		}
	}

}
