package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.failure.DeadLetterRecoverer;
import io.messageconsumer.redis.BatchWriter;
import io.messageconsumer.redis.RedisAsync;

/**
 * Writes rejected and failed messages to the dead-letter stream.
 * <p>
 * Entries wait in a buffer bounded by bytes ({@link DeadLetterBufferLimit}) and are written by
 * one thread in pipelined batches, so a caller does not wait for Redis while there is room. When
 * the buffer is full the caller waits for the writer to make room (back-pressure: a pub/sub
 * subscriber stops reading and Redis holds the rest, a stream reader reads no further), so a
 * burst that overflows every lane loses no dead letter. While Redis is away the writer keeps the
 * entries and retries; on shutdown it flushes what it holds. A stream entry is acknowledged only
 * once its dead letter is written; one that cannot be written is released, so its stream
 * delivers it again.
 */
public class DeadLetterWriter extends BatchWriter<DeadLetterRecord> implements DeadLetterRecoverer {

	/** Stops after the dispatcher, so the entries of a drain are written. */
	public static final int PHASE = Integer.MAX_VALUE - 200;

	private static final Log logger = LogFactory.getLog(DeadLetterWriter.class);

	private final StringRedisTemplate redis;

	private final byte[] streamKey;

	private final XAddArgs addArgs;

	private final int maxPayloadBytes;

	private final DeadLetterBufferLimit limit;

	/** Whether the writer will still make room, asked by a caller waiting for it. */
	private final BooleanSupplier writing = this::isRunning;

	private final Map<DeadLetterReason, Counter> written = new EnumMap<>(DeadLetterReason.class);

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
		super("dead-letter-writer", PHASE);
		this.redis = redis;
		this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
		this.addArgs = new XAddArgs().maxlen(maxLength).approximateTrimming(true);
		this.maxPayloadBytes = maxPayloadBytes;
		this.limit = new DeadLetterBufferLimit(bufferLimitBytes, meters);
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
		if (this.limit.admit(entry, this.writing)) {
			enqueue(entry);
		}
	}

	/** Report the waits and drops not reported yet, once the interval has passed. */
	@Scheduled(fixedDelay = 1000)
	public void reportDrops() {
		this.limit.reportDrops();
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
		return queued();
	}

	/** Redis gone at shutdown: what is left is lost, and stream entries among it stay pending. */
	@Override
	protected void abandon(List<DeadLetterRecord> left, RuntimeException cause) {
		this.limit.lost(left);
		logger.error("Dead-letter stream unreachable at shutdown: " + left.size() + " entries not written: "
				+ cause.getMessage());
	}

	/** One pipelined round trip on the application's shared connection. */
	@Override
	protected void write(List<DeadLetterRecord> batch) {
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
		this.limit.written(batch);
	}

}
