package io.messageconsumer.decode;

import java.time.Instant;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.message.TraceContext;
import io.messageconsumer.support.LogText;

/**
 * Turns raw message bytes into an {@link Envelope}: size limit, strict UTF-8, strict JSON,
 * object required, plain or CloudEvents 1.0 structured form (with {@code data}, or
 * {@code data_base64} holding JSON, and a JSON {@code datacontenttype} when there is one).
 * <p>
 * A well-formed message is read in one streaming pass ({@link EnvelopeScanner}) that picks out the
 * envelope attributes and where the payload object lies, without building a tree; the handler's
 * record is later bound from those bytes. Anything unusual (not an object, an attribute of an
 * unexpected kind, a JSON error, a CloudEvent to reject) is decoded again through a
 * {@link JsonNode} tree, which gives the rejection its reason, its detail (in our words, from
 * {@link SyntaxProblems}) and the type and id it could read.
 */
public class EnvelopeDecoder {

	static final String CLOUDEVENTS_VERSION = "1.0";

	private final JsonMapper mapper;

	private final int maxMessageBytes;

	/**
	 * Create a decoder.
	 * @param mapper the hardened mapper from {@link MessageJson}
	 * @param maxMessageBytes larger messages are rejected {@code too_large}
	 */
	public EnvelopeDecoder(JsonMapper mapper, int maxMessageBytes) {
		this.mapper = mapper;
		this.maxMessageBytes = maxMessageBytes;
	}

	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Decode one message.
	 * @param body the raw bytes
	 * @return the envelope
	 * @throws RejectedMessageException when the message can never be processed
	 */
	public Envelope decode(byte[] body) {
		if (body.length > this.maxMessageBytes) {
			throw new RejectedMessageException(DeadLetterReason.TOO_LARGE,
					"message is " + body.length + " bytes, the limit is " + this.maxMessageBytes);
		}
		int invalid = Utf8.firstInvalidIndex(body);
		if (invalid >= 0) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_ENCODING,
					"invalid UTF-8 byte sequence at offset " + invalid);
		}
		if (body.length == 0) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_JSON, "empty message");
		}
		Envelope envelope = EnvelopeScanner.scan(body, this.mapper);
		return (envelope != null) ? envelope : decodeTree(body);
	}

	/**
	 * Payload member {@code member} as text when it is a scalar (not null), the way the tree path
	 * reads it; {@code null} otherwise.
	 * @param envelope a decoded envelope
	 * @param member the member name
	 * @return the text, or {@code null}
	 */
	public String payloadMemberText(Envelope envelope, String member) {
		if ("id".equals(member) && envelope.isPlainBytes()) {
			// The payload is the message itself: its id was read already, and only as a string.
			return envelope.id();
		}
		return scalarText(envelope.payload().get(member));
	}

	private Envelope decodeTree(byte[] body) {
		JsonNode root = parse(body);
		if (!root.isObject()) {
			throw new RejectedMessageException(DeadLetterReason.NOT_AN_OBJECT,
					"expected a JSON object, got " + root.getNodeType().name().toLowerCase(Locale.ROOT));
		}
		try {
			return root.has("specversion") ? cloudEvent(root) : plain(root);
		}
		catch (RejectedMessageException ex) {
			throw ex.withTrace(trace(root));
		}
	}

	private JsonNode parse(byte[] body) {
		try {
			JsonNode root = this.mapper.readTree(body);
			if (root == null || root.isMissingNode()) {
				throw new RejectedMessageException(DeadLetterReason.INVALID_JSON, "no JSON value");
			}
			return root;
		}
		catch (JacksonException ex) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_JSON, LogText.safe(SyntaxProblems.describe(ex)));
		}
		catch (StackOverflowError ex) {
			// Unreachable with the nesting limit in place; kept so no input can escape the pipeline.
			throw new RejectedMessageException(DeadLetterReason.INVALID_JSON, "nesting too deep");
		}
	}

	private Envelope plain(JsonNode root) {
		JsonNode seq = root.get("seq");
		Envelope.Sequence sequence = (seq != null && seq.isIntegralNumber() && seq.canConvertToLong())
				? Envelope.Sequence.ofNumber(stringOrNull(root.get("source")), seq.longValue()) : null;
		String id = idText(root.get("id"));
		return new Envelope(requireType(root, id), id, time(root.get("time")), sequence, trace(root), root);
	}

	/**
	 * A CloudEvent. Whatever is wrong with it, the rejection keeps the {@code type} and
	 * {@code id} it has, so its dead letter, log line and meter carry them.
	 */
	private Envelope cloudEvent(JsonNode root) {
		String id = idText(root.get("id"));
		JsonNode version = root.get("specversion");
		if (!version.isString() || !CLOUDEVENTS_VERSION.equals(version.stringValue())) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD,
					"unsupported CloudEvents specversion " + LogText.safe(version.toString(), 32) + ", expected \"1.0\"",
					typeOrNull(root), id);
		}
		String type = requireType(root, id);
		if (id == null || id.isBlank()) {
			throw invalidPayload("CloudEvents attribute id is required: a non-empty string", type, null);
		}
		JsonNode contentType = root.get("datacontenttype");
		if (contentType != null && !contentType.isString()) {
			throw invalidPayload("CloudEvents attribute datacontenttype must be a string", type, id);
		}
		CloudEventsData.requireJson(stringOrNull(contentType), type, id);
		JsonNode data = root.get("data");
		JsonNode base64 = root.get("data_base64");
		if (data != null && base64 != null) {
			throw invalidPayload("CloudEvents event has both data and data_base64; it may have only one", type, id);
		}
		Envelope.Sequence sequence = sequence(stringOrNull(root.get("source")), root.get("sequence"));
		if (base64 != null) {
			if (!base64.isString()) {
				throw invalidPayload("CloudEvents data_base64 must be a string", type, id);
			}
			byte[] payload = CloudEventsData.decode(base64.stringValue(), this.mapper, type, id);
			return new Envelope(type, id, time(root.get("time")), sequence, trace(root), payload, 0, payload.length,
					this.mapper, false);
		}
		if (data == null) {
			throw invalidPayload("CloudEvents event has no data: expected a JSON object in data, or data_base64", type, id);
		}
		if (!data.isObject()) {
			throw invalidPayload("CloudEvents data must be a JSON object, got "
					+ data.getNodeType().name().toLowerCase(Locale.ROOT), type, id);
		}
		return new Envelope(type, id, time(root.get("time")), sequence, trace(root), data);
	}

	/** The CloudEvents {@code sequence}: a string of digits or a non-negative integer, fitting a long. */
	private static Envelope.Sequence sequence(String source, JsonNode sequence) {
		if (sequence == null) {
			return null;
		}
		if (sequence.isIntegralNumber()) {
			return sequence.canConvertToLong() ? Envelope.Sequence.ofNumber(source, sequence.longValue()) : null;
		}
		return Envelope.Sequence.ofDigits(source, stringOrNull(sequence));
	}

	private static RejectedMessageException invalidPayload(String detail, String type, String id) {
		return new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, detail, type, id);
	}

	private static String requireType(JsonNode root, String id) {
		String type = typeOrNull(root);
		if (type == null) {
			throw new RejectedMessageException(DeadLetterReason.MISSING_TYPE, "member type is missing, blank or not a string",
					null, id);
		}
		return type;
	}

	private static String typeOrNull(JsonNode root) {
		JsonNode type = root.get("type");
		return (type != null && type.isString() && !type.stringValue().isBlank()) ? type.stringValue() : null;
	}

	/**
	 * The {@code id}: a string, or a JSON integer that fits a long as its decimal text; anything
	 * else (a fraction, a boolean, a larger integer) is no id.
	 */
	private static String idText(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isString()) {
			return node.stringValue();
		}
		return (node.isIntegralNumber() && node.canConvertToLong()) ? Long.toString(node.longValue()) : null;
	}

	private static String scalarText(JsonNode node) {
		if (node == null || !node.isValueNode() || node.isNull()) {
			return null;
		}
		return node.asString();
	}

	private static String stringOrNull(JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	private static TraceContext trace(JsonNode root) {
		return TraceContext.of(stringOrNull(root.get("traceparent")), stringOrNull(root.get("tracestate")));
	}

	private static Instant time(JsonNode node) {
		return (node != null && node.isString()) ? Rfc3339.toInstant(node.stringValue()) : null;
	}

}
