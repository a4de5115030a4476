package io.messageconsumer.processing;

import java.util.concurrent.CompletableFuture;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.tracing.MessageTrace;

/**
 * A message on its way in, on the source's thread: what the admission steps learn of it, one
 * after the other (its envelope, its handler, its ordering key), until it is a {@link Delivery}
 * for a lane.
 */
final class Arrival {

	final InboundMessage message;

	/** Completed with the message's outcome once settled; {@code null} when nobody waits for it. */
	final CompletableFuture<Disposition> settled;

	Envelope envelope;

	MessageHandler<Object> handler;

	String key;

	/** Its trace, once it decoded; until then none. */
	MessageTrace trace = MessageTrace.NONE;

	Arrival(InboundMessage message, CompletableFuture<Disposition> settled) {
		this.message = message;
		this.settled = settled;
	}

	Delivery delivery() {
		return new Delivery(this.message, this.envelope, this.handler, this.key, this.settled, this.trace);
	}

}
