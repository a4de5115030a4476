package io.messageconsumer.message;

import java.time.Instant;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A decoded message: its routing attributes and the payload object, whichever envelope form it came in.
 * <p>
 * The payload is kept as the range of the message's bytes that holds it (the message itself in
 * the plain form, {@code data} in the CloudEvents form; for a CloudEvent's {@code data_base64},
 * the decoded bytes), already checked to be one strict JSON object: the pipeline binds the handler's record straight from those bytes, and builds a
 * {@link JsonNode} tree only when someone asks for {@link #payload()}.
 */
public final class Envelope {

	private final String type;

	private final String id;

	private final Instant time;

	private final Sequence sequence;

	private final TraceContext trace;

	private final byte[] body;

	private final int payloadOffset;

	private final int payloadLength;

	private final JsonMapper mapper;

	private final boolean plain;

	private volatile JsonNode payload;

	/**
	 * An envelope whose payload is the object at {@code body[offset, offset + length)}.
	 * @param plain whether the payload is the whole message (plain form), which holds the envelope
	 * attributes too, rather than a CloudEvent's data
	 */
	public Envelope(String type, String id, Instant time, Sequence sequence, TraceContext trace, byte[] body,
			int offset, int length, JsonMapper mapper, boolean plain) {
		this.type = type;
		this.id = id;
		this.time = time;
		this.sequence = sequence;
		this.trace = trace;
		this.body = body;
		this.payloadOffset = offset;
		this.payloadLength = length;
		this.mapper = mapper;
		this.plain = plain;
	}

	/** An envelope whose payload was already read into a tree. */
	public Envelope(String type, String id, Instant time, Sequence sequence, TraceContext trace, JsonNode payload) {
		this(type, id, time, sequence, trace, null, 0, 0, null, false);
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
	 * The message id: a string {@code id}, or a JSON integer {@code id} that fits a long as its
	 * decimal text.
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
	 * The publisher's sequence number: the CloudEvents {@code sequence} attribute when it is a
	 * string of digits or a non-negative JSON integer, or a top-level non-negative integer
	 * {@code seq} in the plain form; either fitting a long.
	 * @return the sequence and the source it counts for, or {@code null} when the message has none
	 */
	public Sequence sequence() {
		return this.sequence;
	}

	/**
	 * The W3C trace context the publisher sent along.
	 * @return the context, or {@code null} when the message carried no {@code traceparent}
	 */
	public TraceContext trace() {
		return this.trace;
	}

	/**
	 * A publisher's sequence number and the source it numbers.
	 *
	 * @param source the CloudEvents {@code source} attribute, a top-level string {@code source} in
	 * the plain form, or {@code null} when absent (the receiver then uses the channel)
	 * @param number the sequence number, at least 0
	 */
	public record Sequence(String source, long number) {

		/** Only digits, of a number that fits a long, else {@code null}. */
		public static Sequence ofDigits(String source, String digits) {
			if (digits == null || digits.isEmpty() || digits.length() > 19) {
				return null;
			}
			long number = 0;
			for (int i = 0; i < digits.length(); i++) {
				int digit = digits.charAt(i) - '0';
				if (digit < 0 || digit > 9 || number > (Long.MAX_VALUE - digit) / 10) {
					return null;
				}
				number = number * 10 + digit;
			}
			return new Sequence(source, number);
		}

		/** A non-negative number, else {@code null}. */
		public static Sequence ofNumber(String source, long number) {
			return (number >= 0) ? new Sequence(source, number) : null;
		}

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
	public byte[] payloadBytes() {
		return this.body;
	}

	public int payloadOffset() {
		return this.payloadOffset;
	}

	public int payloadLength() {
		return this.payloadLength;
	}

	/** Whether the payload is the whole message's bytes (plain form) rather than a CloudEvent's data. */
	public boolean isPlainBytes() {
		return this.body != null && this.plain;
	}

	@Override
	public String toString() {
		return "Envelope[type=" + this.type + ", id=" + this.id + ", time=" + this.time + "]";
	}

}
