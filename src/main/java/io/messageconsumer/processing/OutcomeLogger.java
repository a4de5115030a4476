package io.messageconsumer.processing;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.scheduling.annotation.Scheduled;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.LogText;
import io.messageconsumer.support.PeriodicSummary;

/**
 * Logs each rejected or failed message on one line, with message-derived text made safe.
 * <p>
 * The line is written in the scope of the message's trace: it ends with the trace id, which
 * Boot's structured formats (ECS, Logstash) show as {@code traceId}, beside the message's
 * {@code consumer.*} fields (type, id, outcome, reason, source, channel, attempts).
 * <p>
 * Overflow is the exception: under overload one line per message would make things worse,
 * so overflows are summed up in at most one line every five seconds, and the last of a burst
 * are reported within about five seconds even when no later overflow comes.
 */
public class OutcomeLogger implements PipelineListener {

	private static final Logger logger = LoggerFactory.getLogger(OutcomeLogger.class);

	/** The MDC key of the trace id: Micrometer Tracing's, and the carried trace's when tracing is off. */
	private static final String TRACE_ID = "traceId";

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
		String channel = LogText.safe(message.channel(), 128);
		String type = LogText.safe(disposition.type(), 64);
		String id = LogText.safe(disposition.id(), 128);
		String traceId = MDC.get(TRACE_ID);
		LoggingEventBuilder line = logger.atWarn();
		if (disposition.type() != null) {
			line = line.addKeyValue("consumer.type", type);
		}
		if (disposition.id() != null) {
			line = line.addKeyValue("consumer.id", id);
		}
		line.addKeyValue("consumer.outcome", disposition.outcome().tag())
			.addKeyValue("consumer.reason", disposition.reason().code())
			.addKeyValue("consumer.source", message.source())
			.addKeyValue("consumer.channel", channel)
			.addKeyValue("consumer.attempts", disposition.attempts())
			.log("Message " + disposition.outcome().tag() + ": reason=" + disposition.reason().code() + " source="
					+ message.source() + " channel=" + channel + " type=" + type + " id=" + id + " attempts="
					+ disposition.attempts() + " detail=" + LogText.safe(disposition.detail())
					+ ((traceId != null) ? " traceId=" + traceId : ""));
	}

	/** Report the overflows not reported yet, once the interval has passed. */
	@Scheduled(fixedDelay = 1000)
	public void reportOverflows() {
		this.overflows.flush();
	}

}
