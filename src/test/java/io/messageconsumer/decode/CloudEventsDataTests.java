package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.RejectedMessageException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * CloudEvents 1.0 structured mode: {@code data} or {@code data_base64}, a JSON
 * {@code datacontenttype}, and the event's type and id kept on every rejection.
 */
class CloudEventsDataTests {

	private static final String HEAD = "{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/shop\",\"id\":\"e-1\"";

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(4096), 4096);

	@Test
	void decodesDataBase64AsThePayload() {
		Envelope envelope = decode(HEAD + ",\"data_base64\":\"" + base64("{\"id\":\"A-1\",\"total\":19}") + "\"}");
		assertThat(envelope.type()).isEqualTo("order");
		assertThat(envelope.id()).isEqualTo("e-1");
		assertThat(envelope.payload().get("total").intValue()).isEqualTo(19);
		assertThat(new String(envelope.payloadBytes(), envelope.payloadOffset(), envelope.payloadLength(),
				StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"A-1\",\"total\":19}");
		assertThat(envelope.isPlainBytes()).isFalse();
		assertThat(this.decoder.payloadMemberText(envelope, "id")).isEqualTo("A-1");
	}

	@Test
	void keepsTraceContextTimeAndSequenceWithDataBase64() {
		Envelope envelope = decode(HEAD + ",\"time\":\"2026-11-24T10:00:00Z\",\"sequence\":7,\"traceparent\":"
				+ "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"tracestate\":\"v=1\",\"data_base64\":\""
				+ base64("{\"id\":\"A-1\"}") + "\"}");
		assertThat(envelope.trace().traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		assertThat(envelope.trace().tracestate()).isEqualTo("v=1");
		assertThat(envelope.time()).isNotNull();
		assertThat(envelope.sequence()).isEqualTo(new Envelope.Sequence("/shop", 7));
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json", "application/json; charset=utf-8", "Application/JSON",
			"application/cloudevents+json", "application/vnd.shop.order+json;version=2", " application/json " })
	void acceptsJsonContentTypes(String contentType) {
		String attribute = ",\"datacontenttype\":\"" + contentType + "\"";
		assertThat(decode(HEAD + attribute + ",\"data\":{\"id\":\"A-1\"}}").payload().get("id").asString())
			.isEqualTo("A-1");
		assertThat(decode(HEAD + attribute + ",\"data_base64\":\"" + base64("{\"id\":\"A-2\"}") + "\"}").payload()
			.get("id")
			.asString()).isEqualTo("A-2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/xml", "text/plain", "text/json", "json", "+json", "application/jsonx", "" })
	void rejectsAnotherContentTypeWithItsOwnReasonKeepingTypeAndId(String contentType) {
		String attribute = ",\"datacontenttype\":\"" + contentType + "\"";
		for (String data : List.of(",\"data\":{\"id\":\"A-1\"}", ",\"data\":\"<order/>\"",
				",\"data_base64\":\"" + base64("<order/>") + "\"")) {
			RejectedMessageException ex = rejection(HEAD + attribute + data + "}");
			assertThat(ex.reason()).as(contentType + data).isEqualTo(DeadLetterReason.UNSUPPORTED_CONTENT_TYPE);
			assertThat(ex.getMessage()).isEqualTo("CloudEvents datacontenttype '" + contentType
					+ "' is not JSON; expected application/json or a +json type");
			assertThat(ex.type()).isEqualTo("order");
			assertThat(ex.id()).isEqualTo("e-1");
		}
	}

	@Test
	void rejectsDataAndDataBase64Together() {
		assertInvalidPayload(HEAD + ",\"data\":{\"id\":\"A-1\"},\"data_base64\":\"e30=\"}",
				"CloudEvents event has both data and data_base64; it may have only one");
	}

	@Test
	void rejectsDataBase64ThatIsNotBase64() {
		for (String text : List.of("not base64!", "e3 0=", "e30=\\n", "e30==", "e-0_")) {
			assertInvalidPayload(HEAD + ",\"data_base64\":\"" + text + "\"}",
					"CloudEvents data_base64 is not valid base64 (RFC 4648 alphabet, no line breaks)");
		}
	}

	@Test
	void rejectsDataBase64ThatDoesNotHoldOneJsonObject() {
		assertInvalidPayload(HEAD + ",\"data_base64\":\"" + base64("[1]") + "\"}",
				"CloudEvents data_base64 must hold a JSON object, got an array");
		assertInvalidPayload(HEAD + ",\"data_base64\":\"\"}",
				"CloudEvents data_base64 must hold a JSON object, got no JSON value");
		assertInvalidPayload(HEAD + ",\"data_base64\":\"" + base64("{\"a\":1,\"a\":2}") + "\"}",
				"CloudEvents data_base64 does not hold valid JSON: duplicate member \"a\" at line 1, column 11");
		assertInvalidPayload(HEAD + ",\"data_base64\":\"" + base64("{} {}") + "\"}",
				"CloudEvents data_base64 holds more than one JSON value");
		assertInvalidPayload(HEAD + ",\"data_base64\":\"" + Base64.getEncoder().encodeToString(new byte[] { '{', '"',
				(byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}' }) + "\"}",
				"CloudEvents data_base64 decodes to bytes that are not UTF-8 (invalid byte sequence at offset 2)");
		assertInvalidPayload(HEAD + ",\"data_base64\":7}", "CloudEvents data_base64 must be a string");
	}

	@Test
	void keepsTypeAndIdWhateverIsWrongWithTheData() {
		assertInvalidPayload(HEAD + "}", "CloudEvents event has no data: expected a JSON object in data, or data_base64");
		assertInvalidPayload(HEAD + ",\"data\":\"text\"}", "CloudEvents data must be a JSON object, got string");
		assertInvalidPayload(HEAD + ",\"data\":[1]}", "CloudEvents data must be a JSON object, got array");
		assertInvalidPayload(HEAD + ",\"data\":null}", "CloudEvents data must be a JSON object, got null");
		assertInvalidPayload(HEAD + ",\"datacontenttype\":1,\"data\":{}}",
				"CloudEvents attribute datacontenttype must be a string");
		assertInvalidPayload(HEAD.replace("\"1.0\"", "\"0.3\"") + ",\"data\":{}}",
				"unsupported CloudEvents specversion \"0.3\", expected \"1.0\"");
	}

	@Test
	void keepsTheTypeWithoutAnIdAndTheIdWithoutAType() {
		RejectedMessageException noId = rejection("{\"specversion\":\"1.0\",\"type\":\"order\",\"data\":{}}");
		assertThat(noId.reason()).isEqualTo(DeadLetterReason.INVALID_PAYLOAD);
		assertThat(noId.type()).isEqualTo("order");
		assertThat(noId.id()).isNull();
		RejectedMessageException noType = rejection("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"data\":{}}");
		assertThat(noType.reason()).isEqualTo(DeadLetterReason.MISSING_TYPE);
		assertThat(noType.type()).isNull();
		assertThat(noType.id()).isEqualTo("e-1");
	}

	@Test
	void takesAnIntegerIdAsItsDecimalTextAndRejectsAnyOtherKind() {
		assertThat(decode(HEAD.replace("\"e-1\"", "9000") + ",\"data\":{}}").id()).isEqualTo("9000");
		for (String id : List.of("true", "1.5", "12345678901234567890123", "{}", "null")) {
			RejectedMessageException ex = rejection(HEAD.replace("\"e-1\"", id) + ",\"data\":{}}");
			assertThat(ex.reason()).as(id).isEqualTo(DeadLetterReason.INVALID_PAYLOAD);
			assertThat(ex.getMessage()).isEqualTo("CloudEvents attribute id is required: a non-empty string");
			assertThat(ex.type()).isEqualTo("order");
		}
	}

	private void assertInvalidPayload(String json, String detail) {
		RejectedMessageException ex = rejection(json);
		assertThat(ex.reason()).as(json).isEqualTo(DeadLetterReason.INVALID_PAYLOAD);
		assertThat(ex.getMessage()).isEqualTo(detail);
		assertThat(ex.type()).isEqualTo("order");
		assertThat(ex.id()).isEqualTo("e-1");
	}

	private Envelope decode(String json) {
		return this.decoder.decode(json.getBytes(StandardCharsets.UTF_8));
	}

	private RejectedMessageException rejection(String json) {
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class, () -> decode(json));
		assertThat(ex).as("decoding %s must be rejected", json).isNotNull();
		return ex;
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
