package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.messageconsumer.message.Acknowledgement;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.InboundMessage.Field;
import io.messageconsumer.message.DeadLetterReason;

/**
 * One dead letter waiting to be written: what it says of the message, its stream fields made only
 * when written, on the writer's thread. It keeps the payload it writes and never more of the
 * message's body (a {@code too_large} message keeps its first KiB). The other fields of a stream
 * entry are kept as {@code field.<name>}, their values at most as many bytes in all as the payload
 * may have. The acknowledgement of a stream entry is told once the dead letter is written, or
 * released when it cannot be.
 *
 * @param disposition the outcome, reason, detail, type, id and attempts
 * @param source the source the message came from
 * @param channel its channel or stream key
 * @param acknowledgement the message's acknowledgement (a stream entry's, or {@code Acknowledgement.NONE})
 * @param payload the bytes to keep
 * @param entryFields the other fields of a stream entry to keep, or none
 * @param at when the outcome was recorded
 */
record DeadLetterRecord(Disposition disposition, String source, String channel, Acknowledgement acknowledgement,
		byte[] payload, List<Field> entryFields, Instant at) {

	/** Prefix of the dead-letter fields that keep a stream entry's fields other than {@code payload}. */
	static final String ENTRY_FIELD_PREFIX = "field.";

	/** What a record holds besides its payload: its fields, their names and the objects around them. */
	private static final int OVERHEAD_BYTES = 512;

	private static final int MAX_DETAIL_BYTES = 1024;

	private static final int TOO_LARGE_PREFIX_BYTES = 1024;

	private static final byte[] REASON = bytes("reason");

	private static final byte[] DETAIL = bytes("detail");

	private static final byte[] SOURCE = bytes("source");

	private static final byte[] CHANNEL = bytes("channel");

	private static final byte[] TYPE = bytes("type");

	private static final byte[] ID = bytes("id");

	private static final byte[] PAYLOAD = bytes("payload");

	private static final byte[] ATTEMPTS = bytes("attempts");

	private static final byte[] AT = bytes("at");

	private static final byte[] FIELD_PREFIX = bytes(ENTRY_FIELD_PREFIX);

	static DeadLetterRecord of(InboundMessage message, Disposition disposition, int maxPayloadBytes, Instant at) {
		int limit = (disposition.reason() == DeadLetterReason.TOO_LARGE) ? TOO_LARGE_PREFIX_BYTES : maxPayloadBytes;
		return new DeadLetterRecord(disposition, message.source(), message.channel(), message.acknowledgement(),
				cut(message.body(), limit), entryFields(message.fields(), limit), at);
	}

	private static List<Field> entryFields(List<Field> fields, int limit) {
		if (fields.isEmpty()) {
			return fields;
		}
		List<Field> kept = new ArrayList<>(fields.size());
		int left = limit;
		for (Field field : fields) {
			byte[] value = cut(field.value(), left);
			left -= value.length;
			kept.add(new Field(field.name(), value));
		}
		return kept;
	}

	private static byte[] cut(byte[] bytes, int limit) {
		if (bytes.length <= limit) {
			return bytes;
		}
		byte[] prefix = new byte[limit];
		System.arraycopy(bytes, 0, prefix, 0, limit);
		return prefix;
	}

	/**
	 * The bytes this record is counted for in the writer's buffer.
	 * @return an estimate from above of the memory it holds
	 */
	long size() {
		String detail = this.disposition.detail();
		long size = OVERHEAD_BYTES + this.payload.length + ((detail != null) ? 2L * detail.length() : 0);
		for (Field field : this.entryFields) {
			size += OVERHEAD_BYTES / 8 + FIELD_PREFIX.length + field.name().length + field.value().length;
		}
		return size;
	}

	/**
	 * The stream entry's fields, names and values in turn, as {@code XADD} takes them.
	 * @return the fields
	 */
	byte[][] fields() {
		List<byte[]> fields = new ArrayList<>(18 + 2 * this.entryFields.size());
		add(fields, REASON, bytes(this.disposition.reason().code()));
		add(fields, DETAIL, bytes(truncate(String.valueOf(this.disposition.detail()), MAX_DETAIL_BYTES)));
		add(fields, SOURCE, bytes(this.source));
		add(fields, CHANNEL, bytes(this.channel));
		if (this.disposition.type() != null) {
			add(fields, TYPE, bytes(this.disposition.type()));
		}
		if (this.disposition.id() != null) {
			add(fields, ID, bytes(this.disposition.id()));
		}
		add(fields, PAYLOAD, this.payload);
		for (Field field : this.entryFields) {
			add(fields, prefixed(field.name()), field.value());
		}
		add(fields, ATTEMPTS, bytes(Integer.toString(this.disposition.attempts())));
		add(fields, AT, bytes(this.at.toString()));
		return fields.toArray(new byte[0][]);
	}

	/** The stream entry is recorded: it may be acknowledged. */
	void acknowledge() {
		this.acknowledgement.acknowledge();
	}

	/** Not recorded: its stream delivers it again. */
	void release() {
		this.acknowledgement.release();
	}

	private static void add(List<byte[]> fields, byte[] name, byte[] value) {
		fields.add(name);
		fields.add(value);
	}

	private static byte[] prefixed(byte[] name) {
		byte[] prefixed = new byte[FIELD_PREFIX.length + name.length];
		System.arraycopy(FIELD_PREFIX, 0, prefixed, 0, FIELD_PREFIX.length);
		System.arraycopy(name, 0, prefixed, FIELD_PREFIX.length, name.length);
		return prefixed;
	}

	private static String truncate(String text, int maxBytes) {
		byte[] bytes = bytes(text);
		if (bytes.length <= maxBytes) {
			return text;
		}
		// Cut on a character boundary, leaving room for the ellipsis.
		int end = Math.min(text.length(), maxBytes - 3);
		while (end > 0 && bytes(text.substring(0, end)).length > maxBytes - 3) {
			end--;
		}
		return text.substring(0, end) + "...";
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
