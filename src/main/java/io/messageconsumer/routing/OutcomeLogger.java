package io.messageconsumer.routing;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs each rejected or failed message on one line, with message-derived text made safe.
 * <p>
 * Overflow is the exception: under overload one line per message would make things worse,
 * so overflows are summed up in at most one line every five seconds.
 */
public class OutcomeLogger implements PipelineListener {

	private static final Log logger = LogFactory.getLog(OutcomeLogger.class);

	private static final long OVERFLOW_LOG_INTERVAL_NANOS = 5_000_000_000L;

	private final AtomicLong overflowed = new AtomicLong();

	private final AtomicLong lastOverflowLog = new AtomicLong(System.nanoTime() - OVERFLOW_LOG_INTERVAL_NANOS);

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		if (!disposition.outcome().isDeadLettered() || !logger.isWarnEnabled()) {
			return;
		}
		if (disposition.reason() == RejectReason.OVERFLOW) {
			logOverflow();
			return;
		}
		logger.warn("Message " + disposition.outcome().tag() + ": reason=" + disposition.reason().code() + " source="
				+ message.source() + " channel=" + LogText.safe(message.channel(), 128) + " type="
				+ LogText.safe(disposition.type(), 64) + " id=" + LogText.safe(disposition.id(), 128) + " attempts="
				+ disposition.attempts() + " detail=" + LogText.safe(disposition.detail()));
	}

	private void logOverflow() {
		this.overflowed.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastOverflowLog.get();
		if (now - last >= OVERFLOW_LOG_INTERVAL_NANOS && this.lastOverflowLog.compareAndSet(last, now)) {
			logger.warn("Buffers full: " + this.overflowed.getAndSet(0)
					+ " message(s) dead-lettered as overflow since the last report");
		}
	}

}
