package io.messageconsumer.routing;

import java.time.Instant;

/**
 * A message as a source hands it to the pipeline: raw bytes plus where they came from.
 *
 * @param body the raw message bytes
 * @param source {@code pubsub} or {@code stream}
 * @param channel the channel or stream key it arrived on
 * @param subscription the configured channel, pattern or stream it matched: a bounded value,
 * safe as a meter tag
 * @param receivedAt when the service received it
 */
public record InboundMessage(byte[] body, String source, String channel, String subscription, Instant receivedAt) {

	/** The source of a dead letter re-run by an operator; such a message is never dead-lettered again. */
	public static final String REPLAY_SOURCE = "replay";

	/**
	 * Whether this message is a replayed dead letter.
	 * @return {@code true} for replays
	 */
	public boolean isReplay() {
		return REPLAY_SOURCE.equals(this.source);
	}

}
