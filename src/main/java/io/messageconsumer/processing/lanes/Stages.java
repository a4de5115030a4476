package io.messageconsumer.processing.lanes;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.AttemptResult;
import io.messageconsumer.processing.failure.Settlement;

/**
 * The steps of the pipeline as the {@link MessageDispatcher} runs them: admission on the
 * source's thread, attempts on the lanes' workers, settlement at the end. Only the dispatcher
 * holds them ({@link io.messageconsumer.processing.MessagePipeline#dispatcher} hands them over),
 * so no source can run a stage out of order.
 */
public interface Stages {

	/**
	 * Admit a message: tell the observers, decode, route and find its ordering key; a message
	 * that can never succeed is settled as rejected here.
	 * @param message the message
	 * @param settled completed with its outcome once settled, or {@code null}
	 * @return the delivery for a lane, or {@code null} when the message was settled
	 */
	Delivery admit(InboundMessage message, CompletableFuture<Disposition> settled);

	/**
	 * Admit a message that will not be handled (say, delivered too often) and settle it as
	 * rejected, with its type and id when its body decodes.
	 * @param message the message
	 * @param reason why
	 * @param detail human-readable detail
	 */
	void reject(InboundMessage message, DeadLetterReason reason, String detail);

	/**
	 * Make one attempt at a delivery, settling nothing.
	 * @param delivery an admitted delivery, or a retry
	 * @return the final disposition, or the next attempt and when to make it
	 */
	AttemptResult attempt(Delivery delivery);

	/**
	 * Make one attempt at first deliveries of one batch handler, in one call to it.
	 * @param deliveries first attempts of one batch handler, in arrival order
	 * @return one result per delivery, at the same index
	 */
	List<AttemptResult> attemptAll(List<Delivery> deliveries);

	/**
	 * What decides a message's fate once it is over.
	 * @return the settlement
	 */
	Settlement settlement();

}
