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
		for (PipelineListener listener : this.listeners) {
			try {
				listener.onReceived(message);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	@Override
	public void onDecoded(InboundMessage message, Envelope envelope) {
		for (PipelineListener listener : this.listeners) {
			try {
				listener.onDecoded(message, envelope);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		for (PipelineListener listener : this.listeners) {
			try {
				listener.onOutcome(message, disposition);
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
