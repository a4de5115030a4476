package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.redis.BatchWriterThread;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.PeriodicSummary;
import io.messageconsumer.processing.failure.DeadLetterRecoverer;
import io.messageconsumer.message.DeadLetterReason;

/**
 * Writes rejected and failed messages to the dead-letter stream.
 * <p>
 * Entries are buffered and written by one thread in pipelined batches, so no caller, least of
 * all the Redis connection's thread, ever waits for Redis. The buffer is bounded by bytes
 * ({@code consumer.dead-letter.buffer-size}: payloads plus a fixed allowance per entry), not by
 * count, so a burst that overflows every lane waits here while the writer catches up. While Redis
 * is away the writer keeps the entries and retries; on shutdown it flushes what it holds. A stream
 * entry is acknowledged only once its dead letter is written; one that cannot be written is
 * released, so its stream delivers it again.
 */
public class DeadLetterWriter implements DeadLetterRecoverer, SmartLifecycle {

	/** Stops after the dispatcher, so the entries of a drain are written. */
	public static final int PHASE = Integer.MAX_VALUE - 200;

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	/** Entries per pipelined round trip. */
	private static final int BATCH = 1024;

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	private final StringRedisTemplate redis;

	private final byte[] streamKey;

	private final XAddArgs addArgs;

	private final int maxPayloadBytes;

	private final long bufferLimitBytes;

	private final LinkedBlockingQueue<DeadLetterRecord> buffer = new LinkedBlockingQueue<>();

	/** Bytes of the entries buffered or being written. */
	private final AtomicLong bufferedBytes = new AtomicLong();

	private final Map<DeadLetterReason, Counter> written = new EnumMap<>(DeadLetterReason.class);

	private final Counter dropped;

	private final PeriodicSummary drops;

	private final BatchWriterThread<DeadLetterRecord> thread;

	/**
	 * Create the writer.
	 * @param redis Redis access
	 * @param meters registry for {@code consumer.dead.letters}
	 * @param stream the dead-letter stream key
	 * @param maxLength approximate MAXLEN of the stream
	 * @param maxPayloadBytes the largest payload kept (the message size limit)
	 * @param bufferLimitBytes bytes of entries held while waiting to be written
	 */
	public DeadLetterWriter(StringRedisTemplate redis, MeterRegistry meters, String stream, long maxLength,
			int maxPayloadBytes, long bufferLimitBytes) {
		this.redis = redis;
		this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
		this.addArgs = new XAddArgs().maxlen(maxLength).approximateTrimming(true);
		this.maxPayloadBytes = maxPayloadBytes;
		this.bufferLimitBytes = bufferLimitBytes;
		this.thread = new BatchWriterThread<>("dead-letter-writer", this.buffer, BATCH, this::write, this::abandon);
		this.dropped = Counter.builder("consumer.dead.letters.dropped")
			.description("Dead letters that could not be written: the writer's buffer was full or Redis was gone at shutdown")
			.register(meters);
		this.drops = new PeriodicSummary(Duration.ofSeconds(5),
				(count) -> logger.error("Dead-letter buffer full (consumer.dead-letter.buffer-size=" + bufferLimitBytes
						+ " bytes): " + count + " dead letter(s) dropped since the last report, "
						+ (long) this.dropped.count() + " in all"));
		for (DeadLetterReason reason : DeadLetterReason.values()) {
			this.written.put(reason, Counter.builder("consumer.dead.letters")
				.description("Messages written to the dead-letter stream")
				.tag("reason", reason.code())
				.register(meters));
		}
	}

	@Override
	public void recover(InboundMessage message, Disposition disposition) {
		if (message.isReplay()) {
			// A replay that fails again keeps its original entry instead of adding one.
			return;
		}
		DeadLetterRecord entry = DeadLetterRecord.of(message, disposition, this.maxPayloadBytes, Instant.now());
		long size = entry.size();
		if (this.bufferedBytes.addAndGet(size) > this.bufferLimitBytes) {
			this.bufferedBytes.addAndGet(-size);
			entry.release();
			this.dropped.increment();
			this.drops.record();
			return;
		}
		this.buffer.add(entry);
	}

	/** Report the drops not reported yet, once the interval has passed. */
	@Scheduled(fixedDelay = 1000)
	public void reportDrops() {
		this.drops.flush();
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

	/** Redis gone at shutdown: what is left is lost, and stream entries among it stay pending. */
	private void abandon(List<DeadLetterRecord> left, RuntimeException cause) {
		this.dropped.increment(left.size());
		left.forEach(DeadLetterRecord::release);
		this.bufferedBytes.addAndGet(-sizeOf(left));
		logger.error("Dead-letter stream unreachable at shutdown: " + left.size() + " entries not written: "
				+ cause.getMessage());
	}

	/**
	 * One pipelined round trip on the application's shared connection. (Spring's
	 * {@code executePipelined} would open, and close, a dedicated connection per batch.)
	 */
	private void write(List<DeadLetterRecord> batch) {
		RedisAsync.callAll(this.redis, WRITE_TIMEOUT, (commands) -> {
			List<RedisFuture<String>> replies = new ArrayList<>(batch.size());
			for (DeadLetterRecord entry : batch) {
				replies.add(commands.xadd(this.streamKey, this.addArgs, (Object[]) entry.fields()));
			}
			return replies;
		});
		for (DeadLetterRecord entry : batch) {
			this.written.get(entry.disposition().reason()).increment();
			// Its outcome is recorded now: a stream entry may be acknowledged.
			entry.acknowledge();
		}
		this.bufferedBytes.addAndGet(-sizeOf(batch));
	}

	private static long sizeOf(List<DeadLetterRecord> entries) {
		long bytes = 0;
		for (DeadLetterRecord entry : entries) {
			bytes += entry.size();
		}
		return bytes;
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

}
