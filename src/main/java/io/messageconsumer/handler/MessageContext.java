package io.messageconsumer.handler;

import java.time.Instant;

/**
 * Metadata of one delivery, handed to a {@link MessageHandler} beside the payload.
 *
 * @param type the message type
 * @param id the message id, or {@code null} when the message has none
 * @param source where it came from: {@code pubsub} or {@code stream}
 * @param channel the channel or stream key it arrived on
 * @param attempt the attempt number, starting at 1
 * @param receivedAt when the service received it
 */
public record MessageContext(String type, String id, String source, String channel, int attempt,
		Instant receivedAt) {
}
