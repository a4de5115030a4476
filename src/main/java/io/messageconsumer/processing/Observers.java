package io.messageconsumer.processing;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;

/**
 * The listeners that observe the pipeline (metrics, sequence gaps, the outcome log), told in
 * the order given, each isolated from the others' failures. They only watch: what becomes of a
 * message is decided by the {@link io.messageconsumer.processing.failure.Settlement}, whatever
 * their order.
 */
public final class Observers implements PipelineListener {

	private static final Log logger = LogFactory.getLog(Observers.class);

	// The events, as ints rather than lambdas: this runs for every message, and allocates nothing.
	private static final int RECEIVED = 0;

	private static final int DECODED = 1;

	private static final int OUTCOME = 2;

	private static final int RETRY = 3;

	private final PipelineListener[] listeners;

	/**
	 * Compose the observers.
	 * @param listeners told in this order
	 */
	public Observers(List<? extends PipelineListener> listeners) {
		this.listeners = listeners.toArray(new PipelineListener[0]);
	}

	@Override
	public void onReceived(InboundMessage message) {
		tell(RECEIVED, message, null, null);
	}

	@Override
	public void onDecoded(InboundMessage message, Envelope envelope) {
		tell(DECODED, message, envelope, null);
	}

	@Override
	public void onRetry(InboundMessage message, Envelope envelope) {
		tell(RETRY, message, envelope, null);
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		tell(OUTCOME, message, null, disposition);
	}

	/** Tell every listener of one event, in order; a listener that throws is logged and skipped. */
	private void tell(int event, InboundMessage message, Envelope envelope, Disposition disposition) {
		for (PipelineListener listener : this.listeners) {
			try {
				switch (event) {
					case RECEIVED -> listener.onReceived(message);
					case DECODED -> listener.onDecoded(message, envelope);
					case RETRY -> listener.onRetry(message, envelope);
					default -> listener.onOutcome(message, disposition);
				}
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	private static void failed(PipelineListener listener, RuntimeException ex) {
		logger.error("Pipeline listener " + listener.getClass().getName() + " failed", ex);
	}

}
