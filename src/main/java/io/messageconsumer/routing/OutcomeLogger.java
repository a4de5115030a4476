package io.messageconsumer.routing;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs each rejected or failed message on one line, with message-derived text made safe.
 */
public class OutcomeLogger implements PipelineListener {

	private static final Log logger = LogFactory.getLog(OutcomeLogger.class);

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		if (!disposition.outcome().isDeadLettered() || !logger.isWarnEnabled()) {
			return;
		}
		logger.warn("Message " + disposition.outcome().tag() + ": reason=" + disposition.reason().code() + " source="
				+ message.source() + " channel=" + LogText.safe(message.channel(), 128) + " type="
				+ LogText.safe(disposition.type(), 64) + " id=" + LogText.safe(disposition.id(), 128) + " attempts="
				+ disposition.attempts() + " detail=" + LogText.safe(disposition.detail()));
	}

}
