package io.messageconsumer.routing;

import java.time.Instant;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A decoded message: its routing attributes and the payload object, whichever envelope form it came in.
 * <p>
 * The payload is kept as the range of the message's bytes that holds it (the message itself in
 * the plain form, {@code data} in the CloudEvents form), already checked to be one strict JSON
 * object: the pipeline binds the handler's record straight from those bytes, and builds a
 * {@link JsonNode} tree only when someone asks for {@link #payload()}.
 */
public final class Envelope {

	private final String type;

	private final String id;

	private final Instant time;

	private final byte[] body;

	private final int payloadOffset;

	private final int payloadLength;

	private final JsonMapper mapper;

	private volatile JsonNode payload;

	/** An envelope whose payload is the object at {@code body[offset, offset + length)}. */
	Envelope(String type, String id, Instant time, byte[] body, int offset, int length, JsonMapper mapper) {
		this.type = type;
		this.id = id;
		this.time = time;
		this.body = body;
		this.payloadOffset = offset;
		this.payloadLength = length;
		this.mapper = mapper;
	}

	/** An envelope whose payload was already read into a tree. */
	Envelope(String type, String id, Instant time, JsonNode payload) {
		this(type, id, time, null, 0, 0, null);
		this.payload = payload;
	}

	/**
	 * The message type.
	 * @return the type, never blank
	 */
	public String type() {
		return this.type;
	}

	/**
	 * The message id.
	 * @return the id, or {@code null}
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The publication time.
	 * @return the time, or {@code null} when absent or not RFC 3339
	 */
	public Instant time() {
		return this.time;
	}

	/**
	 * The payload object: the message itself (plain form) or {@code data} (CloudEvents), as a tree.
	 * @return the payload
	 */
	public JsonNode payload() {
		JsonNode tree = this.payload;
		if (tree == null) {
			tree = this.mapper.readTree(this.body, this.payloadOffset, this.payloadLength);
			this.payload = tree;
		}
		return tree;
	}

	/** The message bytes holding the payload, or {@code null} when only the tree is known. */
	byte[] payloadBytes() {
		return this.body;
	}

	int payloadOffset() {
		return this.payloadOffset;
	}

	int payloadLength() {
		return this.payloadLength;
	}

	/** Whether the payload is the whole message (plain form) rather than a member of it. */
	boolean isPlainBytes() {
		return this.body != null && this.payloadOffset == 0 && this.payloadLength == this.body.length;
	}

	@Override
	public String toString() {
		return "Envelope[type=" + this.type + ", id=" + this.id + ", time=" + this.time + "]";
	}

}
