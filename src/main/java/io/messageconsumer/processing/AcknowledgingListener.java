package io.messageconsumer.processing;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;

/**
 * Acknowledges a message its source keeps until acknowledged once its outcome is recorded: at
 * once when it was handled, and by the dead-letter writer once its dead letter is written when it
 * was rejected or failed.
 */
public class AcknowledgingListener implements PipelineListener {

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		if (message.redeliverable() && !disposition.outcome().isDeadLettered()) {
			message.acknowledgement().acknowledge();
		}
	}

}
