package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.support.LogText;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EnvelopeDecoderTests {

	private static final int MAX_BYTES = 4096;

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(MAX_BYTES), MAX_BYTES);

	// too_large

	@Test
	void rejectsMessageOneByteOverTheLimitAsTooLarge() {
		byte[] body = paddedMessage(MAX_BYTES + 1);
		assertRejected(body, DeadLetterReason.TOO_LARGE);
	}

	@Test
	void acceptsMessageOfExactlyTheLimit() {
		byte[] body = paddedMessage(MAX_BYTES);
		assertThat(body).hasSize(MAX_BYTES);
		assertThat(this.decoder.decode(body).type()).isEqualTo("order");
	}

	@Test
	void rejectsOversizedMessageBeforeLookingAtItsEncoding() {
		byte[] body = new byte[MAX_BYTES + 1];
		Arrays.fill(body, (byte) 0xFF);
		assertRejected(body, DeadLetterReason.TOO_LARGE);
	}

	// invalid_encoding

	@Test
	void rejectsLoneContinuationByteAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0x80), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsOverlongEncodingAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0xC0, 0xAF), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsEncodedSurrogateAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0xED, 0xA0, 0x80), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsTruncatedSequenceAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0xE2, 0x82), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsTruncatedSequenceAtEndOfMessageAsInvalidEncoding() {
		byte[] json = utf8("{\"type\":\"order\"}");
		byte[] body = Arrays.copyOf(json, json.length + 1);
		body[json.length] = (byte) 0xF0;
		assertRejected(body, DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsCodePointAboveU10FFFFAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0xF4, 0x90, 0x80, 0x80), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void rejectsLatin1ByteAsInvalidEncoding() {
		assertRejected(withRawBytesInString(0xE9), DeadLetterReason.INVALID_ENCODING);
	}

	@Test
	void namesTheOffsetOfTheFirstInvalidByte() {
		byte[] body = withRawBytesInString(0xFF);
		int offset = utf8("{\"type\":\"order\",\"id\":\"").length;
		RejectedMessageException ex = rejection(body);
		assertThat(ex.getMessage()).contains("offset " + offset);
	}

	@Test
	void acceptsMultiByteUtf8() {
		Envelope envelope = this.decoder
			.decode(utf8("{\"type\":\"order\",\"id\":\"\uD83D\uDE80-\u6CE8\u6587-\u00E9-\u20AC\"}"));
		assertThat(envelope.id()).isEqualTo("\uD83D\uDE80-\u6CE8\u6587-\u00E9-\u20AC");
	}

	// invalid_json

	@Test
	void rejectsEmptyMessageAsInvalidJson() {
		assertRejected(new byte[0], DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsWhitespaceOnlyMessageAsInvalidJson() {
		assertRejected(utf8("  \n "), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsGarbageAsInvalidJson() {
		assertRejected(utf8("not json at all"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsSingleQuotedJsonAsInvalidJson() {
		assertRejected(utf8("{'type':'order'}"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsNonFiniteNumberAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"order\",\"total\":NaN}"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsCommentsAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"order\" /* hi */}"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsTrailingBytesAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"a\"} x"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsTwoValuesAsInvalidJson() {
		assertRejected(utf8("{} {}"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsDuplicateMembersAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"order\",\"type\":\"notification\"}"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsUnterminatedStringAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"order"), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsUnterminatedObjectAsInvalidJson() {
		assertRejected(utf8("{\"type\":\"order\""), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void acceptsNestingUpToTheLimit() {
		assertThat(this.decoder.decode(nested(MessageJson.MAX_NESTING_DEPTH)).type()).isEqualTo("order");
	}

	@Test
	void rejectsNestingDeeperThanTheLimitAsInvalidJson() {
		assertRejected(nested(MessageJson.MAX_NESTING_DEPTH + 1), DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsVeryDeepNestingAsInvalidJsonWithoutOverflowingTheStack() {
		byte[] body = utf8("[".repeat(MAX_BYTES / 2) + "]".repeat(MAX_BYTES / 2));
		assertRejected(body, DeadLetterReason.INVALID_JSON);
	}

	@Test
	void acceptsNumberOfTheMaximumLength() {
		byte[] body = utf8("{\"type\":\"order\",\"total\":" + "9".repeat(MessageJson.MAX_NUMBER_LENGTH) + "}");
		assertThat(this.decoder.decode(body).payload().get("total").isNumber()).isTrue();
	}

	@Test
	void rejectsNumberLongerThanTheLimitAsInvalidJson() {
		byte[] body = utf8("{\"type\":\"order\",\"total\":" + "9".repeat(MessageJson.MAX_NUMBER_LENGTH + 1) + "}");
		assertRejected(body, DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsFractionLongerThanTheLimitAsInvalidJson() {
		byte[] body = utf8("{\"type\":\"order\",\"total\":1." + "5".repeat(MessageJson.MAX_NUMBER_LENGTH + 1) + "}");
		assertRejected(body, DeadLetterReason.INVALID_JSON);
	}

	@Test
	void rejectsMemberNameLongerThanTheLimitAsInvalidJson() {
		byte[] body = utf8("{\"type\":\"order\",\"" + "n".repeat(MessageJson.MAX_NAME_LENGTH + 1) + "\":1}");
		assertRejected(body, DeadLetterReason.INVALID_JSON);
	}

	@Test
	void appliesConfiguredLimitsInsteadOfTheDefaults() {
		JsonLimits tight = new JsonLimits(8, 10, 16, 32, 200, 40);
		EnvelopeDecoder configured = new EnvelopeDecoder(MessageJson.create(tight), MAX_BYTES);
		assertThat(configured.decode(nested(8)).type()).isEqualTo("order");
		assertRejectedBy(configured, nested(9), "nesting depth");
		assertThat(configured.decode(utf8("{\"type\":\"order\",\"total\":" + "9".repeat(10) + "}")).type())
			.isEqualTo("order");
		assertRejectedBy(configured, utf8("{\"type\":\"order\",\"total\":" + "9".repeat(11) + "}"), "Number");
		assertRejectedBy(configured, utf8("{\"type\":\"order\",\"" + "n".repeat(17) + "\":1}"), "Name");
		// A string that is read (here the id) is checked; one in a member nobody reads is skipped uncopied.
		assertRejectedBy(configured, utf8("{\"type\":\"order\",\"id\":\"" + "x".repeat(33) + "\"}"), "String");
		assertRejectedBy(configured, utf8("{\"type\":\"order\",\"s\":\"" + " ".repeat(200) + "\"}"),
				"Document");
		assertRejectedBy(configured, utf8("{\"type\":\"order\",\"a\":[" + "1,".repeat(40) + "1]}"), "Token");
	}

	private static void assertRejectedBy(EnvelopeDecoder decoder, byte[] body, String limit) {
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class, () -> decoder.decode(body));
		assertThat(ex).as("decoding %s must be rejected", describe(body)).isNotNull();
		assertThat(ex.reason()).isEqualTo(DeadLetterReason.INVALID_JSON);
		assertThat(ex.getMessage()).containsIgnoringCase(limit);
	}

	@Test
	void escapesControlCharactersInInvalidJsonDetail() {
		RejectedMessageException ex = rejection(utf8("{\"type\":\"order\"\r\nFORGED}"));
		assertThat(ex.reason()).isEqualTo(DeadLetterReason.INVALID_JSON);
		assertThat(ex.getMessage()).doesNotContain("\r", "\n");
	}

	// not_an_object

	@Test
	void rejectsArrayAsNotAnObject() {
		assertRejected(utf8("[{\"type\":\"order\"}]"), DeadLetterReason.NOT_AN_OBJECT);
	}

	@Test
	void rejectsStringAsNotAnObject() {
		assertRejected(utf8("\"order\""), DeadLetterReason.NOT_AN_OBJECT);
	}

	@Test
	void rejectsNumberAsNotAnObject() {
		assertRejected(utf8("42"), DeadLetterReason.NOT_AN_OBJECT);
	}

	@Test
	void rejectsNullAsNotAnObject() {
		assertRejected(utf8("null"), DeadLetterReason.NOT_AN_OBJECT);
	}

	@Test
	void rejectsBooleanAsNotAnObject() {
		assertRejected(utf8("true"), DeadLetterReason.NOT_AN_OBJECT);
	}

	// missing_type

	@Test
	void rejectsObjectWithoutTypeAsMissingType() {
		assertRejected(utf8("{\"id\":\"x\"}"), DeadLetterReason.MISSING_TYPE);
	}

	@Test
	void rejectsEmptyTypeAsMissingType() {
		assertRejected(utf8("{\"type\":\"\"}"), DeadLetterReason.MISSING_TYPE);
	}

	@Test
	void rejectsBlankTypeAsMissingType() {
		assertRejected(utf8("{\"type\":\"  \"}"), DeadLetterReason.MISSING_TYPE);
	}

	@Test
	void rejectsNumericTypeAsMissingType() {
		assertRejected(utf8("{\"type\":123}"), DeadLetterReason.MISSING_TYPE);
	}

	@Test
	void rejectsNullTypeAsMissingType() {
		assertRejected(utf8("{\"type\":null}"), DeadLetterReason.MISSING_TYPE);
	}

	@Test
	void rejectsObjectTypeAsMissingType() {
		assertRejected(utf8("{\"type\":{\"name\":\"order\"}}"), DeadLetterReason.MISSING_TYPE);
	}

	// plain form

	@Test
	void decodesPlainFormWithTheMessageItselfAsPayload() {
		Envelope envelope = this.decoder
			.decode(utf8("{\"type\":\"order\",\"id\":\"A-1001\",\"total\":19.0,\"currency\":\"EUR\"}"));
		assertThat(envelope.type()).isEqualTo("order");
		assertThat(envelope.id()).isEqualTo("A-1001");
		assertThat(envelope.time()).isNull();
		assertThat(envelope.payload().get("currency").stringValue()).isEqualTo("EUR");
		assertThat(envelope.payload().get("type").stringValue()).isEqualTo("order");
	}

	@Test
	void decodesPlainFormWithoutId() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"notification\",\"message\":\"hi\"}"));
		assertThat(envelope.type()).isEqualTo("notification");
		assertThat(envelope.id()).isNull();
	}

	@Test
	void readsNumericIdAsText() {
		assertThat(this.decoder.decode(utf8("{\"type\":\"order\",\"id\":42}")).id()).isEqualTo("42");
	}

	@Test
	void readsAnIntegerIdThatFitsALongAsItsDecimalTextAndNoOtherKindOfId() {
		assertThat(this.decoder.decode(utf8("{\"type\":\"order\",\"id\":-9223372036854775808}")).id())
			.isEqualTo("-9223372036854775808");
		for (String id : new String[] { "true", "1.5", "1e3", "9223372036854775808", "null" }) {
			assertThat(this.decoder.decode(utf8("{\"type\":\"order\",\"id\":" + id + "}")).id()).as(id).isNull();
		}
	}

	@Test
	void keepsTheIdOfAMessageWithoutType() {
		assertThat(rejection(utf8("{\"id\":\"x\",\"type\":7}")).id()).isEqualTo("x");
		assertThat(rejection(utf8("{\"id\":\"x\",\"type\":7}")).type()).isNull();
	}

	@Test
	void ignoresNonScalarId() {
		assertThat(this.decoder.decode(utf8("{\"type\":\"order\",\"id\":{\"x\":1}}")).id()).isNull();
	}

	@Test
	void parsesRfc3339TimeInUtc() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"order\",\"time\":\"2026-11-24T10:00:00Z\"}"));
		assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
	}

	@Test
	void parsesRfc3339TimeWithOffsetAndFraction() {
		Envelope envelope = this.decoder
			.decode(utf8("{\"type\":\"order\",\"time\":\"2026-11-24T12:00:00.250+02:00\"}"));
		assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00.250Z"));
	}

	@Test
	void parsesRfc3339TimeWithLowerCaseSeparators() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"order\",\"time\":\"2026-11-24t10:00:00z\"}"));
		assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
	}

	@Test
	void treatsUnparsableTimeAsAbsentRatherThanRejecting() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"order\",\"id\":\"x\",\"time\":\"yesterday\"}"));
		assertThat(envelope.time()).isNull();
		assertThat(envelope.id()).isEqualTo("x");
	}

	@Test
	void treatsTimeWithoutOffsetAsAbsent() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"order\",\"time\":\"2026-11-24T10:00:00\"}"));
		assertThat(envelope.time()).isNull();
	}

	@Test
	void treatsNumericTimeAsAbsent() {
		assertThat(this.decoder.decode(utf8("{\"type\":\"order\",\"time\":1700000000}")).time()).isNull();
	}

	@Test
	void keepsTypeExactlyAsWrittenWithoutTrimming() {
		assertThat(this.decoder.decode(utf8("{\"type\":\" order\"}")).type()).isEqualTo(" order");
	}

	@Test
	void keepsTypeCaseAsWritten() {
		assertThat(this.decoder.decode(utf8("{\"type\":\"Order\"}")).type()).isEqualTo("Order");
	}

	@Test
	void ignoresUnknownMembers() {
		Envelope envelope = this.decoder.decode(utf8("{\"type\":\"order\",\"future\":{\"a\":[1,2]}}"));
		assertThat(envelope.type()).isEqualTo("order");
	}

	// CloudEvents

	@Test
	void decodesCloudEventWithDataAsPayload() {
		Envelope envelope = this.decoder.decode(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/shop\","
				+ "\"id\":\"A-1001\",\"time\":\"2026-11-24T10:00:00Z\","
				+ "\"data\":{\"id\":\"A-1001\",\"total\":19.0,\"currency\":\"EUR\"}}"));
		assertThat(envelope.type()).isEqualTo("order");
		assertThat(envelope.id()).isEqualTo("A-1001");
		assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
		assertThat(envelope.payload().has("specversion")).isFalse();
		assertThat(envelope.payload().get("currency").stringValue()).isEqualTo("EUR");
	}

	@Test
	void decodesCloudEventWithUnparsableTime() {
		Envelope envelope = this.decoder
			.decode(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"time\":\"soon\",\"data\":{}}"));
		assertThat(envelope.time()).isNull();
	}

	@Test
	void rejectsCloudEventWithoutIdAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/s\",\"data\":{\"id\":\"e\"}}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsCloudEventWithBlankIdAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\" \",\"data\":{}}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsCloudEventWithoutDataAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"source\":\"/s\"}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsCloudEventWithNonObjectDataAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"data\":\"text\"}"),
				DeadLetterReason.INVALID_PAYLOAD);
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"data\":[1]}"),
				DeadLetterReason.INVALID_PAYLOAD);
		assertRejected(utf8("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"data\":null}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsUnsupportedCloudEventsVersionAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":\"0.3\",\"type\":\"order\",\"id\":\"e\",\"data\":{}}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsNonStringCloudEventsVersionAsInvalidPayload() {
		assertRejected(utf8("{\"specversion\":1.0,\"type\":\"order\",\"id\":\"e\",\"data\":{}}"),
				DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsCloudEventWithoutTypeAsMissingType() {
		assertRejected(utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"data\":{}}"), DeadLetterReason.MISSING_TYPE);
	}

	private void assertRejected(byte[] body, DeadLetterReason reason) {
		assertThat(rejection(body).reason()).as(describe(body)).isEqualTo(reason);
	}

	private RejectedMessageException rejection(byte[] body) {
		ThrowingCallable decode = () -> this.decoder.decode(body);
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class, decode);
		assertThat(ex).as("decoding %s must be rejected", describe(body)).isNotNull();
		return ex;
	}

	private static String describe(byte[] body) {
		String text = new String(body, StandardCharsets.UTF_8);
		return LogText.safe(text, 80);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** A valid order message padded to exactly {@code size} bytes. */
	private static byte[] paddedMessage(int size) {
		String head = "{\"type\":\"order\",\"pad\":\"";
		String tail = "\"}";
		return utf8(head + "a".repeat(size - head.length() - tail.length()) + tail);
	}

	/** An order message with the given raw bytes inside its id string. */
	private static byte[] withRawBytesInString(int... raw) {
		byte[] head = utf8("{\"type\":\"order\",\"id\":\"");
		byte[] tail = utf8("\"}");
		byte[] body = new byte[head.length + raw.length + tail.length];
		System.arraycopy(head, 0, body, 0, head.length);
		for (int i = 0; i < raw.length; i++) {
			body[head.length + i] = (byte) raw[i];
		}
		System.arraycopy(tail, 0, body, head.length + raw.length, tail.length);
		return body;
	}

	/** An order message whose nesting depth, counting the root object, is {@code depth}. */
	private static byte[] nested(int depth) {
		int inner = depth - 1;
		return utf8("{\"type\":\"order\",\"deep\":" + "[".repeat(inner) + "]".repeat(inner) + "}");
	}

}
