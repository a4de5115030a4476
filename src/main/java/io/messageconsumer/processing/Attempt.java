package io.messageconsumer.processing;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.lanes.Delivery;

/**
 * One handler attempt at a delivery, on a lane's worker: what the attempt steps make of it, one
 * after the other (its bound payload, then what the handler said).
 */
final class Attempt {

	final Delivery delivery;

	Object payload;

	HandlerResult result;

	Attempt(Delivery delivery) {
		this.delivery = delivery;
	}

	/** What the handler is told of the message and this attempt. */
	MessageContext context() {
		InboundMessage message = this.delivery.message();
		Envelope envelope = this.delivery.envelope();
		return new MessageContext(envelope.type(), envelope.id(), message.source(), message.channel(),
				this.delivery.attempt(), message.receivedAt());
	}

}
