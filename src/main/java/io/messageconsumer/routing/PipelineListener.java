package io.messageconsumer.routing;

/**
 * Observes the pipeline: every received message, and the one outcome each ends in.
 * <p>
 * Metrics, dead letters and outcome logging are listeners, composed in one place.
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
	 * A message reached its outcome.
	 * @param message the message
	 * @param disposition its outcome
	 */
	void onOutcome(InboundMessage message, Disposition disposition);

}
