package io.messageconsumer.source.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisFuture;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.redis.BatchWriter;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.deadletter.DeadLetterWriter;

/**
 * Acknowledges finished stream entries in batches: one thread, one pipelined {@code XACK} per
 * stream and batch on the application's shared connection, so no worker waits for Redis. While
 * Redis is away it keeps the entries and retries; an entry it never acknowledges stays pending
 * and is delivered again (at least once).
 */
class StreamAcknowledger extends BatchWriter<StreamEntry> {

	/** Stops after the dead-letter writer, which acknowledges the entries it writes. */
	static final int PHASE = DeadLetterWriter.PHASE - 100;

	private static final Log logger = LogFactory.getLog(StreamAcknowledger.class);

	private final StringRedisTemplate redis;

	private final byte[] group;

	private final StreamCounters acknowledged;

	StreamAcknowledger(StringRedisTemplate redis, String group, List<String> keys, MeterRegistry meters) {
		super("consumer-stream-ack", PHASE);
		this.redis = redis;
		this.group = ConsumerGroup.bytes(group);
		this.acknowledged = new StreamCounters("consumer.stream.acknowledged",
				"Stream entries acknowledged (XACK) after their outcome was recorded", keys, meters);
	}

	void add(StreamEntry entry) {
		enqueue(entry);
	}

	/** Redis gone at shutdown: the entries stay pending and are delivered again. */
	@Override
	protected void abandon(List<StreamEntry> left, RuntimeException cause) {
		logger.warn(left.size() + " stream entries not acknowledged at shutdown; they stay pending and are delivered again: "
				+ cause.getMessage());
	}

	/** One pipelined {@code XACK} per stream on the application's shared connection. */
	@Override
	protected void write(List<StreamEntry> batch) {
		Map<InProgressEntries, List<String>> byStream = new LinkedHashMap<>();
		for (StreamEntry entry : batch) {
			byStream.computeIfAbsent(entry.entries(), (entries) -> new ArrayList<>()).add(entry.id());
		}
		RedisAsync.callAll(this.redis, WRITE_TIMEOUT, (commands) -> {
			List<RedisFuture<Long>> replies = new ArrayList<>(byStream.size());
			byStream.forEach((entries, ids) -> replies.add(commands.xack(entries.key(), this.group, ids.toArray(new String[0]))));
			return replies;
		});
		byStream.forEach((entries, ids) -> {
			ids.forEach(entries::finished);
			this.acknowledged.increment(entries.name(), ids.size());
		});
	}

}
