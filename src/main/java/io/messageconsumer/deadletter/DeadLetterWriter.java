package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.batch.BatchWriterThread;
import io.messageconsumer.routing.Acknowledgement;
import io.messageconsumer.routing.Disposition;
import io.messageconsumer.routing.InboundMessage;
import io.messageconsumer.routing.PipelineListener;
import io.messageconsumer.routing.RejectReason;

/**
 * Writes rejected and failed messages to the dead-letter stream.
 * <p>
 * Entries are buffered (bounded) and written by one thread in pipelined batches, so no caller,
 * least of all the Redis connection's thread, ever waits for Redis. While Redis is away the
 * writer keeps the entries and retries; on shutdown it flushes what it holds. A stream entry is
 * acknowledged only once its dead letter is written; one that cannot be written is released, so
 * its stream delivers it again.
 */
public class DeadLetterWriter implements PipelineListener, SmartLifecycle {

	/** Stops after the dispatcher, so the entries of a drain are written. */
	public static final int PHASE = Integer.MAX_VALUE - 200;

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	private static final int BATCH = 256;

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	private static final int MAX_DETAIL_BYTES = 1024;

	private static final int TOO_LARGE_PREFIX_BYTES = 1024;

	private final StringRedisTemplate redis;

	private final byte[] streamKey;

	private final XAddArgs addArgs;

	private final int maxPayloadBytes;

	private final BlockingQueue<Entry> buffer;

	private final Map<RejectReason, Counter> written = new LinkedHashMap<>();

	private final Counter dropped;

	private final BatchWriterThread<Entry> thread;

	/**
	 * Create the writer.
	 * @param redis Redis access
	 * @param meters registry for {@code consumer.dead.letters}
	 * @param stream the dead-letter stream key
	 * @param maxLength approximate MAXLEN of the stream
	 * @param maxPayloadBytes the largest payload kept (the message size limit)
	 * @param bufferCapacity entries held while waiting to be written
	 */
	public DeadLetterWriter(StringRedisTemplate redis, MeterRegistry meters, String stream, long maxLength,
			int maxPayloadBytes, int bufferCapacity) {
		this.redis = redis;
		this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
		this.addArgs = new XAddArgs().maxlen(maxLength).approximateTrimming(true);
		this.maxPayloadBytes = maxPayloadBytes;
		this.buffer = new ArrayBlockingQueue<>(bufferCapacity);
		this.thread = new BatchWriterThread<>("dead-letter-writer", this.buffer, BATCH, this::write, this::abandon);
		this.dropped = Counter.builder("consumer.dead.letters.dropped")
			.description("Dead letters that could not be written: the writer's buffer was full or Redis was gone at shutdown")
			.register(meters);
		for (RejectReason reason : RejectReason.values()) {
			this.written.put(reason, Counter.builder("consumer.dead.letters")
				.description("Messages written to the dead-letter stream")
				.tag("reason", reason.code())
				.register(meters));
		}
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		if (!disposition.outcome().isDeadLettered() || message.isReplay()) {
			// A replay that fails again keeps its original entry instead of adding one.
			return;
		}
		if (!this.buffer.offer(new Entry(disposition.reason(), toRecord(message, disposition), message.acknowledgement()))) {
			if (message.redeliverable()) {
				// Not recorded: its stream delivers it again.
				message.acknowledgement().release();
			}
			this.dropped.increment();
			logger.error("Dead-letter buffer full: a " + disposition.reason().code()
					+ " message could not be dead-lettered (dropped so far: " + (long) this.dropped.count() + ")");
		}
	}

	/**
	 * Entries written to the stream since start-up.
	 * @return the count
	 */
	public long writtenCount() {
		return (long) this.written.values().stream().mapToDouble(Counter::count).sum();
	}

	/**
	 * Entries waiting to be written.
	 * @return the count
	 */
	public int pendingCount() {
		return this.buffer.size();
	}

	private ByteRecord toRecord(InboundMessage message, Disposition disposition) {
		Map<byte[], byte[]> fields = new LinkedHashMap<>();
		put(fields, "reason", disposition.reason().code());
		put(fields, "detail", truncate(String.valueOf(disposition.detail()), MAX_DETAIL_BYTES));
		put(fields, "source", message.source());
		put(fields, "channel", message.channel());
		if (disposition.type() != null) {
			put(fields, "type", disposition.type());
		}
		if (disposition.id() != null) {
			put(fields, "id", disposition.id());
		}
		fields.put(bytes("payload"), payload(message.body(), disposition.reason()));
		put(fields, "attempts", Integer.toString(disposition.attempts()));
		put(fields, "at", Instant.now().toString());
		return StreamRecords.rawBytes(fields).withStreamKey(this.streamKey);
	}

	private byte[] payload(byte[] body, RejectReason reason) {
		int limit = (reason == RejectReason.TOO_LARGE) ? TOO_LARGE_PREFIX_BYTES : this.maxPayloadBytes;
		if (body.length <= limit) {
			return body;
		}
		byte[] prefix = new byte[limit];
		System.arraycopy(body, 0, prefix, 0, limit);
		return prefix;
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

	private static void put(Map<byte[], byte[]> fields, String name, String value) {
		fields.put(bytes(name), bytes(value));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** Redis gone at shutdown: what is left is lost, and stream entries among it stay pending. */
	private void abandon(List<Entry> left, RuntimeException cause) {
		this.dropped.increment(left.size());
		left.forEach(Entry::release);
		logger.error("Dead-letter stream unreachable at shutdown: " + left.size() + " entries not written: "
				+ cause.getMessage());
	}

	/**
	 * One pipelined round trip on the application's shared connection. (Spring's
	 * {@code executePipelined} would open, and close, a dedicated connection per batch.)
	 */
	private void write(List<Entry> batch) {
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			List<RedisFuture<String>> replies = new ArrayList<>(batch.size());
			for (Entry entry : batch) {
				replies.add(commands.xadd(this.streamKey, this.addArgs, entry.record().getValue()));
			}
			awaitAll(replies);
			return null;
		});
		for (Entry entry : batch) {
			this.written.get(entry.reason()).increment();
			if (entry.acknowledgement() != null) {
				// Its outcome is recorded now: a stream entry may be acknowledged.
				entry.acknowledgement().acknowledge();
			}
		}
	}

	private static void awaitAll(List<RedisFuture<String>> replies) {
		long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
		for (RedisFuture<String> reply : replies) {
			LettuceFutures.awaitOrCancel(reply, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void start() {
		this.thread.start();
	}

	@Override
	public void stop() {
		this.thread.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A dead letter to write; the acknowledgement of a stream entry is told once it is written. */
	private record Entry(RejectReason reason, ByteRecord record, Acknowledgement acknowledgement) {

		void release() {
			if (this.acknowledgement != null) {
				this.acknowledgement.release();
			}
		}

	}

}
