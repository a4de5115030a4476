package io.messageconsumer.processing;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;

/**
 * Observes the pipeline: every received message, each retry, and the one outcome each ends in.
 * <p>
 * Metrics, sequence-gap tracking and outcome logging are listeners, composed in one place
 * ({@link Observers}). A listener only watches: acknowledging, dead-lettering and releasing a
 * message are the {@link io.messageconsumer.processing.failure.Settlement}'s.
 * Implementations must be fast and must not block: {@link #onReceived} runs on the Redis
 * connection's thread.
 */
public interface PipelineListener {

	/**
	 * A message arrived from a source.
	 * @param message the message
	 */
	default void onReceived(InboundMessage message) {
	}

	/**
	 * A message was decoded (it may still be rejected later: unknown type, invalid payload).
	 * Called on the thread that decodes, before the message is queued: for a source, the
	 * connection's thread, in arrival order.
	 * @param message the message
	 * @param envelope its envelope
	 */
	default void onDecoded(InboundMessage message, Envelope envelope) {
	}

	/**
	 * A handler attempt after the first is about to be made: the message's previous attempt failed
	 * and it is retried. Called on the lane's worker, once per retry.
	 * @param message the message
	 * @param envelope its envelope
	 */
	default void onRetry(InboundMessage message, Envelope envelope) {
	}

	/**
	 * A message reached its outcome.
	 * @param message the message
	 * @param disposition its outcome
	 */
	void onOutcome(InboundMessage message, Disposition disposition);

}
