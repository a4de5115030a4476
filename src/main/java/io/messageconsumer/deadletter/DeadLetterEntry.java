package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.data.redis.connection.stream.ByteRecord;

import io.messageconsumer.support.LogText;

/**
 * One entry of the dead-letter stream as read back: its stream id, its text fields, and the
 * payload as the raw bytes that were received.
 *
 * @param entryId the stream entry id, e.g. {@code 1732442400000-0}
 * @param fields every field but the payload, decoded as UTF-8
 * @param payload the payload bytes, or {@code null} when the entry has none
 */
record DeadLetterEntry(String entryId, Map<String, String> fields, byte[] payload) {

	private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

	/** Bytes decoded to show a payload: more than {@link LogText#MAX_LENGTH} characters of any width. */
	private static final int SHOWN_PAYLOAD_BYTES = LogText.MAX_LENGTH * 4 + 4;

	static DeadLetterEntry of(ByteRecord record) {
		Map<String, String> fields = new LinkedHashMap<>();
		byte[] payload = null;
		for (Map.Entry<byte[], byte[]> field : record.getValue().entrySet()) {
			if (Arrays.equals(field.getKey(), PAYLOAD)) {
				payload = field.getValue();
			}
			else {
				fields.put(text(field.getKey()), text(field.getValue()));
			}
		}
		return new DeadLetterEntry(record.getId().getValue(), fields, payload);
	}

	String reason() {
		return this.fields.get("reason");
	}

	String type() {
		return this.fields.get("type");
	}

	String channel() {
		return this.fields.get("channel");
	}

	/**
	 * The entry as an operator sees it: every value truncated and control characters escaped,
	 * since all of it may come from a publisher.
	 * @return the fields, with {@code entryId} first and {@code payloadBytes} last
	 */
	Map<String, Object> describe() {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("entryId", this.entryId);
		this.fields.forEach((name, value) -> view.put(LogText.safe(name),
				LogText.safe(value, name.equals("detail") ? 1024 : LogText.MAX_LENGTH)));
		if (this.payload != null) {
			// A longer payload still decodes to more than the characters shown, so safe() marks the cut.
			int shown = Math.min(this.payload.length, SHOWN_PAYLOAD_BYTES);
			view.put("payload", LogText.safe(new String(this.payload, 0, shown, StandardCharsets.UTF_8)));
			view.put("payloadBytes", this.payload.length);
		}
		return view;
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
