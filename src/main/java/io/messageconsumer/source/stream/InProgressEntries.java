package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.StreamMessage;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.support.LogText;

/**
 * This replica's entries of one stream on their way through the pipeline: each started once
 * (the reader and the claim may both come across one of this consumer's own pending entries),
 * turned into a message and handed to the dispatcher, and finished when it is acknowledged or
 * released to be delivered again.
 */
final class InProgressEntries {

	/** The source name of a stream entry's message. */
	static final String SOURCE = "stream";

	/** The entry field holding the message. */
	static final String PAYLOAD_FIELD = "payload";

	private static final byte[] PAYLOAD = PAYLOAD_FIELD.getBytes(StandardCharsets.UTF_8);

	private final String key;

	private final byte[] keyBytes;

	private final MessageDispatcher dispatcher;

	private final StreamAcknowledger acknowledger;

	/** Entries on their way through the pipeline, with when they started ({@link System#nanoTime()}). */
	private final Map<String, Long> started = new ConcurrentHashMap<>();

	InProgressEntries(String key, MessageDispatcher dispatcher, StreamAcknowledger acknowledger) {
		this.key = key;
		this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
		this.dispatcher = dispatcher;
		this.acknowledger = acknowledger;
	}

	String name() {
		return this.key;
	}

	byte[] key() {
		return this.keyBytes;
	}

	StreamAcknowledger acknowledger() {
		return this.acknowledger;
	}

	/**
	 * Start an entry on its way through the pipeline, unless it is on its way already.
	 * @param id the entry id
	 * @return {@code true} when the caller is to hand it on, {@code false} when it is in progress
	 */
	boolean begin(String id) {
		return this.started.putIfAbsent(id, System.nanoTime()) == null;
	}

	/**
	 * The entries on their way through the pipeline now, taken before a claim: an entry that
	 * finishes while the claim runs is still pending when the claim takes it, but not lost.
	 * @return a copy of the ids
	 */
	Set<String> now() {
		return Set.copyOf(this.started.keySet());
	}

	/**
	 * Entries on their way through the pipeline for longer than the given time.
	 * @param nanos the age
	 * @return their ids
	 */
	List<String> longerThan(long nanos) {
		long now = System.nanoTime();
		List<String> old = new ArrayList<>();
		this.started.forEach((id, since) -> {
			if (now - since > nanos) {
				old.add(id);
			}
		});
		return old;
	}

	/** The entry was acknowledged, or released to be delivered again. */
	void finished(String id) {
		this.started.remove(id);
	}

	/**
	 * Hand an entry to the pipeline, or dead-letter it as delivered too often; {@link #begin} started it.
	 * @param entry the entry, read or claimed
	 * @param maxDeliveriesDetail why it was delivered too often, or {@code null} to process it
	 */
	void handle(StreamMessage<byte[], byte[]> entry, String maxDeliveriesDetail) {
		String id = entry.getId();
		StreamEntry acknowledgement = new StreamEntry(this, id);
		Map<byte[], byte[]> body = entry.getBody();
		if (body == null || body.isEmpty()) {
			// Deleted from the stream (XDEL, trimming) while pending: nothing left to process.
			acknowledgement.acknowledge();
			return;
		}
		byte[] payload = null;
		List<InboundMessage.Field> others = List.of();
		for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
			if (Arrays.equals(PAYLOAD, field.getKey())) {
				payload = field.getValue();
			}
			else {
				// Never handled, but kept in the entry's dead letter: nothing of an entry is lost there.
				others = (others.isEmpty()) ? new ArrayList<>(body.size()) : others;
				others.add(new InboundMessage.Field(field.getKey(), field.getValue()));
			}
		}
		InboundMessage message = new InboundMessage((payload != null) ? payload : new byte[0], SOURCE, this.key,
				this.key, Instant.now(), acknowledgement, others);
		if (maxDeliveriesDetail != null) {
			this.dispatcher.reject(message, DeadLetterReason.MAX_DELIVERIES, maxDeliveriesDetail);
		}
		else if (payload == null) {
			this.dispatcher.reject(message, DeadLetterReason.INVALID_JSON, noPayloadDetail(id, others));
		}
		else {
			this.dispatcher.dispatch(message);
		}
	}

	private static String noPayloadDetail(String id, List<InboundMessage.Field> fields) {
		StringBuilder names = new StringBuilder();
		for (InboundMessage.Field field : fields) {
			names.append((names.length() > 0) ? ", " : "").append(new String(field.name(), StandardCharsets.UTF_8));
		}
		return "stream entry " + id + " has no '" + PAYLOAD_FIELD + "' field (fields: "
				+ LogText.safe(names.toString(), 512) + ")";
	}

}
