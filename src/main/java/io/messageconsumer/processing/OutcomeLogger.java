package io.messageconsumer.processing;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.LogText;
import io.messageconsumer.support.PeriodicSummary;

/**
 * Logs each rejected or failed message on one line, with message-derived text made safe.
 * <p>
 * Overflow is the exception: under overload one line per message would make things worse,
 * so overflows are summed up in at most one line every five seconds, and the last of a burst
 * are reported within about five seconds even when no later overflow comes.
 */
public class OutcomeLogger implements PipelineListener {

	private static final Log logger = LogFactory.getLog(OutcomeLogger.class);

	private final PeriodicSummary overflows = new PeriodicSummary(Duration.ofSeconds(5),
			(count) -> logger.warn("Buffers full: " + count + " message(s) dead-lettered as overflow since the last report"));

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		if (!disposition.outcome().isDeadLettered() || !logger.isWarnEnabled()) {
			return;
		}
		if (disposition.reason() == DeadLetterReason.OVERFLOW) {
			this.overflows.record();
			return;
		}
		logger.warn("Message " + disposition.outcome().tag() + ": reason=" + disposition.reason().code() + " source="
				+ message.source() + " channel=" + LogText.safe(message.channel(), 128) + " type="
				+ LogText.safe(disposition.type(), 64) + " id=" + LogText.safe(disposition.id(), 128) + " attempts="
				+ disposition.attempts() + " detail=" + LogText.safe(disposition.detail()));
	}

	/** Report the overflows not reported yet, once the interval has passed. */
	@Scheduled(fixedDelay = 1000)
	public void reportOverflows() {
		this.overflows.flush();
	}

}
