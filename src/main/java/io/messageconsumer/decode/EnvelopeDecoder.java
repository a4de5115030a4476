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
 * object required, plain or CloudEvents 1.0 structured form.
 * <p>
 * A well-formed message is read in one streaming pass ({@link EnvelopeScanner}) that picks out the
 * envelope attributes and where the payload object lies, without building a tree; the handler's
 * record is later bound from those bytes. Anything unusual (not an object, a non-string
 * attribute, a JSON error) is decoded again the original way, through a {@link JsonNode} tree, so
 * rejections and their details stay exactly what they were.
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
		return root.has("specversion") ? cloudEvent(root) : plain(root);
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
			throw new RejectedMessageException(DeadLetterReason.INVALID_JSON, LogText.safe(JsonProblems.describeSyntax(ex)));
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
		return new Envelope(requireType(root), scalarText(root.get("id")), time(root.get("time")), sequence, trace(root),
				root);
	}

	private Envelope cloudEvent(JsonNode root) {
		JsonNode version = root.get("specversion");
		if (!version.isString() || !CLOUDEVENTS_VERSION.equals(version.stringValue())) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD,
					"unsupported CloudEvents specversion " + LogText.safe(version.toString(), 32));
		}
		String type = requireType(root);
		String id = scalarText(root.get("id"));
		if (id == null || id.isBlank()) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, "CloudEvents attribute id is required");
		}
		JsonNode data = root.get("data");
		if (data == null || !data.isObject()) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD,
					"CloudEvents data must be a JSON object");
		}
		Envelope.Sequence sequence = Envelope.Sequence.ofDigits(stringOrNull(root.get("source")),
				stringOrNull(root.get("sequence")));
		return new Envelope(type, id, time(root.get("time")), sequence, trace(root), data);
	}

	private static String requireType(JsonNode root) {
		JsonNode type = root.get("type");
		if (type == null || !type.isString() || type.stringValue().isBlank()) {
			throw new RejectedMessageException(DeadLetterReason.MISSING_TYPE, "member type is missing, blank or not a string");
		}
		return type.stringValue();
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
