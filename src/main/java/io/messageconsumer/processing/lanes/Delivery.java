package io.messageconsumer.processing.lanes;

import java.util.concurrent.CompletableFuture;

import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.tracing.MessageTrace;

/**
 * A decoded, routed message on its way to a worker: what the connection's thread prepares so
 * the dispatcher can choose the message's lane by its ordering key.
 *
 * @param message the message as received
 * @param envelope its decoded envelope
 * @param handler the handler for its type
 * @param key the ordering key, or {@code null} when the message has none
 * @param attempt the handler attempt this delivery is for, starting at 1
 * @param backOff the waits between its attempts, from its first failure on; {@code null} before
 * @param settled completed with the message's outcome once it is settled; {@code null} when
 * nobody waits for it
 * @param trace the message's trace, from admission to settlement; {@link MessageTrace#NONE} when
 * none
 */
public record Delivery(InboundMessage message, Envelope envelope, MessageHandler<Object> handler, String key,
		int attempt, BackOffExecution backOff, CompletableFuture<Disposition> settled, MessageTrace trace) {

	public Delivery {
		if (trace == null) {
			trace = MessageTrace.NONE;
		}
	}

	/**
	 * The first attempt at a message.
	 * @param message the message as received
	 * @param envelope its decoded envelope
	 * @param handler the handler for its type
	 * @param key the ordering key, or {@code null} when the message has none
	 * @param settled completed with its outcome, or {@code null}
	 */
	public Delivery(InboundMessage message, Envelope envelope, MessageHandler<Object> handler, String key,
			CompletableFuture<Disposition> settled) {
		this(message, envelope, handler, key, settled, MessageTrace.NONE);
	}

	/**
	 * The first attempt at a traced message.
	 * @param message the message as received
	 * @param envelope its decoded envelope
	 * @param handler the handler for its type
	 * @param key the ordering key, or {@code null} when the message has none
	 * @param settled completed with its outcome, or {@code null}
	 * @param trace its trace, started at admission
	 */
	public Delivery(InboundMessage message, Envelope envelope, MessageHandler<Object> handler, String key,
			CompletableFuture<Disposition> settled, MessageTrace trace) {
		this(message, envelope, handler, key, 1, null, settled, trace);
	}

	/**
	 * The same message, for its next attempt.
	 * @param backOff the waits of this message, carried from one attempt to the next
	 * @return the delivery of the next attempt
	 */
	public Delivery nextAttempt(BackOffExecution backOff) {
		return new Delivery(this.message, this.envelope, this.handler, this.key, this.attempt + 1, backOff,
				this.settled, this.trace);
	}

}
