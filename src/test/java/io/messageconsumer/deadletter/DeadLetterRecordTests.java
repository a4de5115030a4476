package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.InboundMessage.Field;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a dead letter writes of a message: its fields as {@code XADD} takes them.
 */
class DeadLetterRecordTests {

	private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

	@Test
	void keepsEveryOtherFieldOfAStreamEntryUnderFieldPrefixInEntryOrder() {
		InboundMessage message = new InboundMessage(new byte[0], "stream", "orders-stream", "orders-stream", AT, null,
				List.of(field("body", "{\"type\":\"order\"}"), field("note", "a\nb")));
		Map<String, String> fields = fieldsOf(DeadLetterRecord.of(message,
				Disposition.rejected(DeadLetterReason.INVALID_JSON, "no payload", null), 1000, AT));
		assertThat(fields).containsEntry("payload", "")
			.containsEntry("field.body", "{\"type\":\"order\"}")
			.containsEntry("field.note", "a\nb");
		assertThat(fields.keySet()).containsSubsequence("payload", "field.body", "field.note", "attempts");
	}

	@Test
	void keepsTheEntryFieldValuesAtMostAsLargeAsAPayloadInAll() {
		InboundMessage message = new InboundMessage(new byte[0], "stream", "s", "s", AT, null,
				List.of(field("a", "123456"), field("b", "7890"), field("c", "x")));
		DeadLetterRecord record = DeadLetterRecord.of(message,
				Disposition.rejected(DeadLetterReason.INVALID_JSON, "no payload", null), 8, AT);
		assertThat(fieldsOf(record)).containsEntry("field.a", "123456")
			.containsEntry("field.b", "78")
			.containsEntry("field.c", "");
	}

	@Test
	void writesNoEntryFieldsForAMessageWithoutAny() {
		InboundMessage message = new InboundMessage(bytes("{}"), "pubsub", "orders", "orders", AT);
		Map<String, String> fields = fieldsOf(DeadLetterRecord.of(message,
				Disposition.rejected(DeadLetterReason.MISSING_TYPE, "no type", null), 1000, AT));
		assertThat(fields.keySet()).noneMatch((name) -> name.startsWith(DeadLetterRecord.ENTRY_FIELD_PREFIX));
		assertThat(fields).containsEntry("payload", "{}");
	}

	private static Map<String, String> fieldsOf(DeadLetterRecord record) {
		byte[][] fields = record.fields();
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < fields.length; i += 2) {
			map.put(new String(fields[i], StandardCharsets.UTF_8), new String(fields[i + 1], StandardCharsets.UTF_8));
		}
		return map;
	}

	private static Field field(String name, String value) {
		return new Field(bytes(name), bytes(value));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
