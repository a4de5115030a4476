package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

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

	private volatile Thread thread;

	private volatile boolean running;

	StreamAcknowledger(StringRedisTemplate redis, String group, MeterRegistry meters) {
		this.redis = redis;
		this.group = StreamReader.bytes(group);
		this.acknowledged = Counter.builder("consumer.stream.acknowledged")
			.description("Stream entries acknowledged (XACK) after their outcome was recorded")
			.register(meters);
	}

	void add(StreamEntry entry) {
		this.queue.add(entry);
	}

	/**
	 * Entries waiting to be acknowledged.
	 * @return the count
	 */
	int waiting() {
		return this.queue.size();
	}

	private void ackLoop() {
		List<StreamEntry> batch = new ArrayList<>(BATCH);
		long backoffMillis = 100;
		while (this.running || !this.queue.isEmpty() || !batch.isEmpty()) {
			try {
				if (batch.isEmpty()) {
					StreamEntry first = this.queue.poll(100, TimeUnit.MILLISECONDS);
					if (first == null) {
						continue;
					}
					batch.add(first);
					this.queue.drainTo(batch, BATCH - 1);
				}
				acknowledge(batch);
				batch.clear();
				backoffMillis = 100;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					logger.warn((batch.size() + this.queue.size())
							+ " stream entries not acknowledged at shutdown; they stay pending and are delivered again: "
							+ ex.getMessage());
					return;
				}
				logger.warn("XACK failed, retrying in " + backoffMillis + " ms: " + ex.getMessage());
				try {
					Thread.sleep(backoffMillis);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoffMillis = Math.min(5_000, backoffMillis * 2);
			}
		}
	}

	private void acknowledge(List<StreamEntry> batch) {
		Map<StreamReader, List<String>> byStream = new LinkedHashMap<>();
		for (StreamEntry entry : batch) {
			byStream.computeIfAbsent(entry.reader(), (reader) -> new ArrayList<>()).add(entry.id());
		}
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			List<RedisFuture<Long>> replies = new ArrayList<>(byStream.size());
			byStream.forEach((reader, ids) -> replies.add(commands.xack(reader.key(), this.group, ids.toArray(new String[0]))));
			long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
			for (RedisFuture<Long> reply : replies) {
				LettuceFutures.awaitOrCancel(reply, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			return null;
		});
		byStream.forEach((reader, ids) -> ids.forEach(reader::finished));
		this.acknowledged.increment(batch.size());
	}

	@Override
	public synchronized void start() {
		if (this.thread == null) {
			this.running = true;
			this.thread = new Thread(this::ackLoop, "consumer-stream-ack");
			this.thread.start();
		}
	}

	@Override
	public synchronized void stop() {
		Thread current = this.thread;
		if (current == null) {
			return;
		}
		this.running = false;
		try {
			current.join(ACK_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		current.interrupt();
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
