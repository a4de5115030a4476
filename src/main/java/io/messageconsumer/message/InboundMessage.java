package io.messageconsumer.message;

import java.time.Instant;
import java.util.List;

/**
 * A message as a source hands it to the pipeline: raw bytes plus where they came from.
 *
 * @param body the raw message bytes
 * @param source {@code pubsub} or {@code stream}
 * @param channel the channel or stream key it arrived on
 * @param subscription the configured channel, pattern or stream it matched: a bounded value,
 * safe as a meter tag
 * @param receivedAt when the service received it
 * @param acknowledgement told the fate of the message; {@link Acknowledgement#NONE} (or {@code null})
 * for a source that keeps nothing (pub/sub)
 * @param fields what the source delivered beside the body: a stream entry's fields other than
 * {@code payload}, in entry order; never handled, kept in the message's dead letter; empty for
 * pub/sub
 */
public record InboundMessage(byte[] body, String source, String channel, String subscription, Instant receivedAt,
		Acknowledgement acknowledgement, List<Field> fields) {

	public InboundMessage {
		if (acknowledgement == null) {
			acknowledgement = Acknowledgement.NONE;
		}
	}

	/** The source of a dead letter re-run by an operator; such a message is never dead-lettered again. */
	public static final String REPLAY_SOURCE = "replay";

	/**
	 * A message with no fields beside its body.
	 * @param body the raw message bytes
	 * @param source the source name
	 * @param channel the channel or stream key it arrived on
	 * @param subscription the configured channel, pattern or stream it matched
	 * @param receivedAt when the service received it
	 * @param acknowledgement told its fate, or {@code null}
	 */
	public InboundMessage(byte[] body, String source, String channel, String subscription, Instant receivedAt,
			Acknowledgement acknowledgement) {
		this(body, source, channel, subscription, receivedAt, acknowledgement, List.of());
	}

	/**
	 * A message from a source that does not keep it (pub/sub, a replay).
	 * @param body the raw message bytes
	 * @param source the source name
	 * @param channel the channel it arrived on
	 * @param subscription the configured channel or pattern it matched
	 * @param receivedAt when the service received it
	 */
	public InboundMessage(byte[] body, String source, String channel, String subscription, Instant receivedAt) {
		this(body, source, channel, subscription, receivedAt, null);
	}

	/**
	 * Whether this message is a replayed dead letter.
	 * @return {@code true} for replays
	 */
	public boolean isReplay() {
		return REPLAY_SOURCE.equals(this.source);
	}

	/**
	 * One field a source delivered beside the message body, as raw bytes.
	 *
	 * @param name the field name
	 * @param value the field value
	 */
	public record Field(byte[] name, byte[] value) {
	}

}
