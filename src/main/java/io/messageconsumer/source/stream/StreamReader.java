package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.support.BackOffs;

/**
 * Reads one stream as this replica's consumer in the group, on a connection of its own that
 * runs no handler: {@code XREADGROUP} in batches ({@code COUNT}, {@code BLOCK}), each entry started
 * and handed to the dispatcher by the stream's {@link InProgressEntries}; the dispatcher makes the
 * reader wait while the lanes are full (a stream keeps what is not read, so nothing overflows). It
 * first reads what this consumer left pending before a restart, then new entries. The group is
 * created ({@link ConsumerGroup}) when missing, also when it disappears while running; whether it
 * reads is its {@link ReaderHealth}. After a read that brought a few new entries, short of the
 * batch size, the next read waits {@code batch-wait} after it, so that at a moderate rate entries
 * come in fuller batches: fewer round trips and wake-ups per entry, for at most that much latency.
 */
final class StreamReader implements Runnable {

	/** Between attempts to read again after a failure: 100 ms, doubling, at most 5 s. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(5));

	private static final String NEW_ENTRIES = ">";

	private final String key;

	private final byte[] keyBytes;

	private final ConsumerGroup group;

	private final XReadArgs readArgs;

	private final Duration timeout;

	private final int batchSize;

	private final long batchWaitNanos;

	private final RedisConnectionFactory connections;

	private final InProgressEntries entries;

	private final ReaderHealth health;

	private final Runnable groupReady;

	private volatile boolean running = true;

	/**
	 * Create the reader.
	 * @param entries the stream's entries in progress here
	 * @param settings the {@code consumer.streams.*} settings
	 * @param connections the readers' own connections
	 * @param groupReady run once the group exists, before the first read after it was (re)created
	 */
	StreamReader(InProgressEntries entries, StreamsProperties settings, RedisConnectionFactory connections,
			Runnable groupReady) {
		this.key = entries.name();
		this.keyBytes = entries.key();
		this.group = ConsumerGroup.of(settings);
		this.readArgs = XReadArgs.Builder.count(settings.batchSize()).block(settings.block());
		this.timeout = settings.block().plusSeconds(5);
		this.batchSize = settings.batchSize();
		this.batchWaitNanos = settings.batchWait().toNanos();
		this.connections = connections;
		this.entries = entries;
		this.groupReady = groupReady;
		this.health = new ReaderHealth(this.key, settings.consumerName(), this.timeout.toNanos());
	}

	String name() {
		return this.key;
	}

	/** This stream's entries on their way through the pipeline. */
	InProgressEntries entries() {
		return this.entries;
	}

	/** Whether the reader reads, and what keeps it from reading. */
	ReaderHealth health() {
		return this.health;
	}

	void stop() {
		this.running = false;
	}

	@Override
	public void run() {
		BackOffExecution backOff = null;
		boolean groupReady = false;
		String offset = "0";
		while (this.running) {
			try (RedisConnection connection = this.connections.getConnection()) {
				RedisClusterAsyncCommands<byte[], byte[]> commands = RedisAsync.commands(connection);
				RedisFuture<List<StreamMessage<byte[], byte[]>>> next = null;
				while (true) {
					if (!groupReady) {
						this.group.create(commands, this.keyBytes, this.timeout);
						groupReady = true;
						this.groupReady.run();
					}
					if (next == null) {
						if (!this.running) {
							break;
						}
						next = read(commands, offset);
					}
					List<StreamMessage<byte[], byte[]>> batch = RedisAsync.await(next, this.timeout);
					long answered = System.nanoTime();
					next = null;
					this.health.read();
					backOff = null;
					if (!NEW_ENTRIES.equals(offset)) {
						// This consumer's own pending entries, left by a previous run: then new ones.
						offset = batch.isEmpty() ? NEW_ENTRIES : batch.get(batch.size() - 1).getId();
					}
					boolean fill = isPartial(batch, offset);
					if (this.running && !fill) {
						// The next read travels while this batch is dispatched. On stop, the batch in
						// flight is awaited and dispatched too: the lanes drain it before the dispatcher stops.
						next = read(commands, offset);
					}
					dispatch(batch);
					if (fill) {
						// A few new entries: let more gather in the stream, so the next read brings a fuller batch.
						LockSupport.parkNanos(answered + this.batchWaitNanos - System.nanoTime());
					}
				}
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (ConsumerGroup.isMissing(ex)) {
					groupReady = false;
					offset = "0";
				}
				backOff = (backOff != null) ? backOff : RETRY.start();
				long backoffMillis = backOff.nextBackOff();
				this.health.failed(ex, backoffMillis);
				if (!pause(backoffMillis)) {
					return;
				}
			}
		}
	}

	/**
	 * Whether a batch of new entries came in short of the batch size, though not empty (an empty
	 * one waited the block time already): then the next read waits {@code batch-wait} after it.
	 */
	private boolean isPartial(List<StreamMessage<byte[], byte[]>> batch, String offset) {
		return this.batchWaitNanos > 0 && !batch.isEmpty() && batch.size() < this.batchSize
				&& NEW_ENTRIES.equals(offset);
	}

	private RedisFuture<List<StreamMessage<byte[], byte[]>>> read(RedisClusterAsyncCommands<byte[], byte[]> commands,
			String offset) {
		return commands.xreadgroup(this.group.consumer(), this.readArgs, StreamOffset.from(this.keyBytes, offset));
	}

	/**
	 * The whole batch is started at once, so that the claim does not take an entry still waiting
	 * here for room in a lane; one of our own pending entries the claim took already is skipped.
	 */
	private void dispatch(List<StreamMessage<byte[], byte[]>> batch) {
		List<StreamMessage<byte[], byte[]>> started = new ArrayList<>(batch.size());
		for (StreamMessage<byte[], byte[]> entry : batch) {
			if (this.entries.begin(entry.getId())) {
				started.add(entry);
			}
		}
		for (StreamMessage<byte[], byte[]> entry : started) {
			this.entries.handle(entry, null);
		}
	}

	private static boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
