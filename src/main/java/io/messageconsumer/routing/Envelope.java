package io.messageconsumer.routing;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * A decoded message: its routing attributes and the payload object, whichever envelope form it came in.
 *
 * @param type the message type, never blank
 * @param id the message id, or {@code null}
 * @param time the publication time, or {@code null} when absent or not RFC 3339
 * @param payload the payload object: the message itself (plain form) or {@code data} (CloudEvents)
 */
public record Envelope(String type, String id, Instant time, JsonNode payload) {
}
