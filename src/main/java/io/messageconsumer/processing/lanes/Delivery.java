package io.messageconsumer.processing.lanes;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;

/**
 * A decoded, routed message on its way to a worker: what the connection's thread prepares so
 * the dispatcher can choose the message's lane by its ordering key.
 *
 * @param message the message as received
 * @param envelope its decoded envelope
 * @param handler the handler for its type
 * @param key the ordering key, or {@code null} when the message has none
 * @param attempt the handler attempt this delivery is for, starting at 1
 */
public record Delivery(InboundMessage message, Envelope envelope, MessageHandler<Object> handler, String key,
		int attempt) {

	/**
	 * The same message, for its next attempt.
	 * @return the delivery of the next attempt
	 */
	public Delivery nextAttempt() {
		return new Delivery(this.message, this.envelope, this.handler, this.key, this.attempt + 1);
	}

}
