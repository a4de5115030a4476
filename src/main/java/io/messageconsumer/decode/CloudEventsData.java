package io.messageconsumer.decode;

import java.util.Base64;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.support.LogText;

/**
 * The rules for a CloudEvent's data in structured mode, shared by both decoding paths: the
 * {@code datacontenttype} must be JSON, and {@code data_base64} is decoded to the bytes of one
 * JSON object.
 */
final class CloudEventsData {

	private CloudEventsData() {
	}

	/**
	 * Whether a {@code datacontenttype} is JSON: absent, {@code application/json}, or any
	 * {@code +json} type, with or without parameters, in any case.
	 * @param contentType the attribute, or {@code null}
	 * @return {@code true} for JSON
	 */
	static boolean isJson(String contentType) {
		if (contentType == null) {
			return true;
		}
		int parameters = contentType.indexOf(';');
		String mediaType = ((parameters >= 0) ? contentType.substring(0, parameters) : contentType).strip()
			.toLowerCase(Locale.ROOT);
		return mediaType.equals("application/json") || (mediaType.endsWith("+json") && mediaType.indexOf('/') > 0);
	}

	/**
	 * Reject a {@code datacontenttype} that is not JSON.
	 * @param contentType the attribute, or {@code null}
	 * @param type the event's type, for the rejection
	 * @param id the event's id, for the rejection
	 */
	static void requireJson(String contentType, String type, String id) {
		if (!isJson(contentType)) {
			throw new RejectedMessageException(DeadLetterReason.UNSUPPORTED_CONTENT_TYPE,
					"CloudEvents datacontenttype '" + LogText.safe(contentType, 64)
							+ "' is not JSON; expected application/json or a +json type",
					type, id);
		}
	}

	/**
	 * Decode {@code data_base64} to the bytes of one JSON object, checked under the mapper's
	 * limits (duplicate members, nesting, lengths) without building a tree.
	 * @param base64 the attribute
	 * @param mapper the hardened mapper
	 * @param type the event's type, for a rejection
	 * @param id the event's id, for a rejection
	 * @return the payload bytes
	 */
	static byte[] decode(String base64, JsonMapper mapper, String type, String id) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("CloudEvents data_base64 is not valid base64 (RFC 4648 alphabet, no line breaks)", type,
					id);
		}
		int invalid = Utf8.firstInvalidIndex(bytes);
		if (invalid >= 0) {
			throw invalid("CloudEvents data_base64 decodes to bytes that are not UTF-8 (invalid byte sequence at offset "
					+ invalid + ")", type, id);
		}
		try (JsonParser parser = mapper.createParser(bytes)) {
			JsonToken first = parser.nextToken();
			if (first != JsonToken.START_OBJECT) {
				throw invalid("CloudEvents data_base64 must hold a JSON object, got "
						+ ((first != null) ? kind(first) : "no JSON value"), type, id);
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw invalid("CloudEvents data_base64 holds more than one JSON value", type, id);
			}
		}
		catch (JacksonException ex) {
			throw invalid("CloudEvents data_base64 does not hold valid JSON: " + SyntaxProblems.describe(ex), type,
					id);
		}
		return bytes;
	}

	private static String kind(JsonToken token) {
		return switch (token) {
			case START_ARRAY -> "an array";
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case VALUE_NULL -> "null";
			default -> "another kind of value";
		};
	}

	private static RejectedMessageException invalid(String detail, String type, String id) {
		return new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, detail, type, id);
	}

}
