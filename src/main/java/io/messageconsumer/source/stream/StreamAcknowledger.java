package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.redis.BatchWriter;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.deadletter.DeadLetterWriter;

/**
 * Acknowledges finished stream entries in batches: one thread, one pipelined {@code XACK} per
 * stream and batch on the application's shared connection, so no worker waits for Redis; a small
 * batch waits {@link #LINGER} for more entries to join it. While Redis is away it keeps the
 * entries and retries; an entry it never acknowledges stays pending and is delivered again (at
 * least once).
 */
class StreamAcknowledger extends BatchWriter<StreamEntry> {

	/** Stops after the dead-letter writer, which acknowledges the entries it writes. */
	static final int PHASE = DeadLetterWriter.PHASE - 100;

	/**
	 * How long a small batch of acknowledgements waits for more: at a steady rate one {@code XACK}
	 * (and one wake-up of this thread) every 5 ms rather than every few entries. An entry is
	 * acknowledged at most this much later; on stop what waits is acknowledged at once.
	 */
	static final Duration LINGER = Duration.ofMillis(5);

	private static final Log logger = LogFactory.getLog(StreamAcknowledger.class);

	private final StringRedisTemplate redis;

	private final byte[] group;

	private final StreamCounters acknowledged;

	StreamAcknowledger(StringRedisTemplate redis, String group, List<String> keys, MeterRegistry meters) {
		super("consumer-stream-ack", PHASE, LINGER);
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

	/**
	 * One pipelined {@code XACK} per stream on the application's shared connection, the ids sent
	 * as bytes: Lettuce writes a {@code String} argument one character at a time.
	 */
	@Override
	protected void write(List<StreamEntry> batch) {
		Map<InProgressEntries, List<String>> byStream = new LinkedHashMap<>(4);
		for (StreamEntry entry : batch) {
			byStream.computeIfAbsent(entry.entries(), (entries) -> new ArrayList<>(batch.size())).add(entry.id());
		}
		RedisAsync.callAll(this.redis, WRITE_TIMEOUT, (commands) -> {
			List<RedisFuture<Long>> replies = new ArrayList<>(byStream.size());
			byStream.forEach((entries, ids) -> replies.add(xack(commands, entries.key(), ids)));
			return replies;
		});
		byStream.forEach((entries, ids) -> {
			ids.forEach(entries::finished);
			this.acknowledged.increment(entries.name(), ids.size());
		});
	}

	private RedisFuture<Long> xack(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key, List<String> ids) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key).addValue(this.group);
		for (String id : ids) {
			args.add(id.getBytes(StandardCharsets.US_ASCII));
		}
		return commands.dispatch(CommandType.XACK, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args);
	}

}
