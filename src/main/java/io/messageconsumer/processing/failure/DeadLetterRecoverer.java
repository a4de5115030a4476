package io.messageconsumer.processing.failure;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;

/**
 * Takes a message that was rejected or failed and records it (the dead-letter stream), then
 * acknowledges it to its source, or releases it when it cannot be recorded, so that a source
 * that redelivers gets it back. The {@link Settlement} hands it every such message, once.
 * (spring-kafka's {@code ConsumerRecordRecoverer} plays this part there.)
 */
@FunctionalInterface
public interface DeadLetterRecoverer {

	/** Records nothing and acknowledges: for a pipeline without a dead-letter stream (tests). */
	DeadLetterRecoverer ACKNOWLEDGE = (message, disposition) -> message.acknowledgement().acknowledge();

	/**
	 * Record a rejected or failed message, then acknowledge or release it.
	 * @param message the message
	 * @param disposition its outcome, reason and detail
	 */
	void recover(InboundMessage message, Disposition disposition);

}
