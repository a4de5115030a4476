package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.lettuce.core.RedisFuture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.redis.BatchWriterThread;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.deadletter.DeadLetterWriter;

/**
 * Acknowledges finished stream entries in batches: one thread, one pipelined {@code XACK} per
 * stream and batch on the application's shared connection, so no worker waits for Redis. While
 * Redis is away it keeps the entries and retries; an entry it never acknowledges stays pending
 * and is delivered again (at least once).
 */
class StreamAcknowledger implements SmartLifecycle {

	/** Stops after the dead-letter writer, which acknowledges the entries it writes. */
	static final int PHASE = DeadLetterWriter.PHASE - 100;

	private static final Log logger = LogFactory.getLog(StreamAcknowledger.class);

	private static final int BATCH = 1024;

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

	private final StringRedisTemplate redis;

	private final byte[] group;

	private final BlockingQueue<StreamEntry> queue = new LinkedBlockingQueue<>();

	private final Counter acknowledged;

	private final BatchWriterThread<StreamEntry> thread;

	StreamAcknowledger(StringRedisTemplate redis, String group, MeterRegistry meters) {
		this.redis = redis;
		this.group = ConsumerGroup.bytes(group);
		this.acknowledged = Counter.builder("consumer.stream.acknowledged")
			.description("Stream entries acknowledged (XACK) after their outcome was recorded")
			.register(meters);
		this.thread = new BatchWriterThread<>("consumer-stream-ack", this.queue, BATCH, this::acknowledge, this::abandon);
	}

	void add(StreamEntry entry) {
		this.queue.add(entry);
	}

	/** Redis gone at shutdown: the entries stay pending and are delivered again. */
	private void abandon(List<StreamEntry> left, RuntimeException cause) {
		logger.warn(left.size() + " stream entries not acknowledged at shutdown; they stay pending and are delivered again: "
				+ cause.getMessage());
	}

	private void acknowledge(List<StreamEntry> batch) {
		Map<InProgressEntries, List<String>> byStream = new LinkedHashMap<>();
		for (StreamEntry entry : batch) {
			byStream.computeIfAbsent(entry.entries(), (entries) -> new ArrayList<>()).add(entry.id());
		}
		RedisAsync.callAll(this.redis, ACK_TIMEOUT, (commands) -> {
			List<RedisFuture<Long>> replies = new ArrayList<>(byStream.size());
			byStream.forEach((entries, ids) -> replies.add(commands.xack(entries.key(), this.group, ids.toArray(new String[0]))));
			return replies;
		});
		byStream.forEach((entries, ids) -> ids.forEach(entries::finished));
		this.acknowledged.increment(batch.size());
	}

	@Override
	public void start() {
		this.thread.start();
	}

	@Override
	public void stop() {
		this.thread.stop(ACK_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
