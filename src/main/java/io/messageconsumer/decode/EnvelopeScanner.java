package io.messageconsumer.decode;

import java.time.Instant;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.message.TraceContext;

/**
 * The fast path of {@link EnvelopeDecoder}: one streaming pass over a message that picks out
 * {@code type}, {@code id}, {@code time}, {@code specversion}, the sequence attributes
 * ({@code source}, {@code sequence}, {@code seq}), the trace context ({@code traceparent},
 * {@code tracestate}), {@code datacontenttype} and where the payload object lies (or the
 * {@code data_base64} text, decoded to the payload bytes),
 * without building a tree. The parser is the hardened mapper's, so duplicate members, nesting,
 * number and name limits and trailing tokens are checked as on the tree path; anything it does
 * not handle (not an object, an attribute of an unexpected kind, a JSON error, a CloudEvent it
 * would reject) yields {@code null}, and the
 * decoder reads the message again the original way, which also gives rejections their usual
 * reason and detail.
 */
final class EnvelopeScanner {

	private String type;

	private String id;

	private String time;

	private boolean cloudEvent;

	private String source;

	private String sequence;

	private long sequenceNumber = -1;

	private long seq = -1;

	private String contentType;

	private String dataBase64;

	private boolean hasData;

	private String traceparent;

	private String tracestate;

	private int dataOffset = -1;

	private int dataLength;

	private EnvelopeScanner() {
	}

	/**
	 * The envelope of a well-formed message of the common shape, or {@code null} to let the tree
	 * path decide.
	 * @param body the message, already checked for size and UTF-8, not empty
	 * @param mapper the hardened mapper
	 * @return the envelope, or {@code null}
	 */
	static Envelope scan(byte[] body, JsonMapper mapper) {
		try (JsonParser parser = mapper.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			EnvelopeScanner scanner = new EnvelopeScanner();
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				if (!scanner.read(parser.currentName(), parser.nextToken(), parser)) {
					return null;
				}
			}
			// The object is closed; exactly one value is allowed (FAIL_ON_TRAILING_TOKENS on the tree path).
			if (parser.nextToken() != null) {
				return null;
			}
			return scanner.envelope(body, mapper);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** Take in one member of the root object; {@code false} leaves the message to the tree path. */
	private boolean read(String name, JsonToken value, JsonParser parser) {
		switch (name) {
			case "type" -> {
				if (value != JsonToken.VALUE_STRING) {
					return false;
				}
				this.type = parser.getString();
			}
			case "id" -> {
				if (value == JsonToken.VALUE_STRING) {
					this.id = parser.getString();
				}
				else if (fitsLong(value, parser)) {
					this.id = Long.toString(parser.getLongValue());
				}
				else {
					return false;
				}
			}
			case "time" -> {
				if (value == JsonToken.VALUE_STRING) {
					this.time = parser.getString();
				}
				else {
					parser.skipChildren();
				}
			}
			case "specversion" -> {
				if (value != JsonToken.VALUE_STRING || !EnvelopeDecoder.CLOUDEVENTS_VERSION.equals(parser.getString())) {
					return false;
				}
				this.cloudEvent = true;
			}
			case "source" -> this.source = stringOrSkip(value, parser);
			case "sequence" -> {
				if (fitsLong(value, parser)) {
					this.sequenceNumber = parser.getLongValue();
				}
				else {
					this.sequence = stringOrSkip(value, parser);
				}
			}
			case "datacontenttype", "data_base64" -> {
				if (value != JsonToken.VALUE_STRING) {
					return false;
				}
				if (name.equals("datacontenttype")) {
					this.contentType = parser.getString();
				}
				else {
					this.dataBase64 = parser.getString();
				}
			}
			case "traceparent" -> this.traceparent = stringOrSkip(value, parser);
			case "tracestate" -> this.tracestate = stringOrSkip(value, parser);
			case "seq" -> {
				if (fitsLong(value, parser)) {
					this.seq = parser.getLongValue();
				}
				else {
					parser.skipChildren();
				}
			}
			case "data" -> {
				this.hasData = true;
				if (value != JsonToken.START_OBJECT) {
					// A plain message may carry any data; a CloudEvent without an object is left to the tree path.
					parser.skipChildren();
					return true;
				}
				this.dataOffset = (int) parser.currentTokenLocation().getByteOffset();
				parser.skipChildren();
				this.dataLength = (int) parser.currentTokenLocation().getByteOffset() + 1 - this.dataOffset;
			}
			default -> parser.skipChildren();
		}
		return true;
	}

	private static boolean fitsLong(JsonToken value, JsonParser parser) {
		return value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
	}

	/** The string value, or {@code null} after skipping a value of another kind. */
	private static String stringOrSkip(JsonToken value, JsonParser parser) {
		if (value == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		parser.skipChildren();
		return null;
	}

	private Envelope envelope(byte[] body, JsonMapper mapper) {
		if (this.type == null || this.type.isBlank()) {
			return null;
		}
		Instant instant = (this.time != null) ? Rfc3339.toInstant(this.time) : null;
		TraceContext trace = TraceContext.of(this.traceparent, this.tracestate);
		if (!this.cloudEvent) {
			Envelope.Sequence plain = Envelope.Sequence.ofNumber(this.source, this.seq);
			return new Envelope(this.type, this.id, instant, plain, trace, body, 0, body.length, mapper, true);
		}
		if (this.id == null || this.id.isBlank() || !CloudEventsData.isJson(this.contentType)) {
			return null;
		}
		Envelope.Sequence sequence = (this.sequence != null) ? Envelope.Sequence.ofDigits(this.source, this.sequence)
				: Envelope.Sequence.ofNumber(this.source, this.sequenceNumber);
		if (this.dataBase64 != null) {
			return this.hasData ? null : dataBase64Envelope(instant, sequence, trace, mapper);
		}
		if (this.dataOffset < 0) {
			return null;
		}
		return new Envelope(this.type, this.id, instant, sequence, trace, body, this.dataOffset, this.dataLength,
				mapper, false);
	}

	/** The envelope of an event whose payload is its decoded {@code data_base64}; its rejection is the tree path's. */
	private Envelope dataBase64Envelope(Instant instant, Envelope.Sequence sequence, TraceContext trace,
			JsonMapper mapper) {
		try {
			byte[] payload = CloudEventsData.decode(this.dataBase64, mapper, this.type, this.id);
			return new Envelope(this.type, this.id, instant, sequence, trace, payload, 0, payload.length, mapper, false);
		}
		catch (RejectedMessageException ex) {
			return null;
		}
	}

}
