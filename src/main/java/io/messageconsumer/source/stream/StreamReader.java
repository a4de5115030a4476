package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.redis.RedisProblem;
import io.messageconsumer.support.BackOffs;
import io.messageconsumer.support.LogText;

/**
 * Reads one stream as this replica's consumer in the group, on a connection of its own that
 * runs no handler: {@code XREADGROUP} in batches ({@code COUNT}, {@code BLOCK}), each entry started
 * and handed to the dispatcher by the stream's {@link InProgressEntries}; the dispatcher makes the
 * reader wait while the lanes are full (a stream keeps what is not read, so nothing overflows). It first reads what this consumer left pending before a
 * restart, then new entries. The group is created (with {@code MKSTREAM}, from the start of the
 * stream) when missing, also when it disappears while running.
 */
final class StreamReader implements Runnable {

	private static final Log logger = LogFactory.getLog(StreamReader.class);

	/** Between attempts to read again after a failure: 100 ms, doubling, at most 5 s. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(5));

	private static final String NEW_ENTRIES = ">";

	private final String key;

	private final byte[] keyBytes;

	private final byte[] group;

	private final Consumer<byte[]> consumer;

	private final XReadArgs readArgs;

	private final long timeoutNanos;

	private final RedisConnectionFactory connections;

	private final InProgressEntries entries;

	private volatile boolean running = true;

	private volatile long lastReadNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	private volatile String problem = "not started";

	private boolean readBefore;

	private Runnable recovered = () -> {
	};

	StreamReader(InProgressEntries entries, StreamSettings settings, RedisConnectionFactory connections) {
		this.key = entries.name();
		this.keyBytes = entries.key();
		this.group = bytes(settings.group());
		this.consumer = Consumer.from(this.group, bytes(settings.consumerName()));
		this.readArgs = XReadArgs.Builder.count(settings.batchSize()).block(settings.block());
		this.timeoutNanos = settings.block().plusSeconds(5).toNanos();
		this.connections = connections;
		this.entries = entries;
	}

	/** Run when the reader reads again after a failure. */
	void onRecovery(Runnable action) {
		this.recovered = action;
	}

	String name() {
		return this.key;
	}

	/** This stream's entries on their way through the pipeline. */
	InProgressEntries entries() {
		return this.entries;
	}

	/**
	 * Whether the reader is reading: its last {@code XREADGROUP} answered within the block time
	 * plus a margin, and nothing failed since.
	 * @return {@code true} while reading
	 */
	boolean reading() {
		return this.problem == null && System.nanoTime() - this.lastReadNanos < this.timeoutNanos;
	}

	/**
	 * What keeps the reader from reading, for health.
	 * @return the problem, or {@code null}
	 */
	String problem() {
		return this.problem;
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
				@SuppressWarnings("unchecked")
				RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
					.getNativeConnection();
				RedisFuture<List<StreamMessage<byte[], byte[]>>> next = null;
				while (true) {
					if (!groupReady) {
						createGroup(commands);
						groupReady = true;
					}
					if (next == null) {
						if (!this.running) {
							break;
						}
						next = read(commands, offset);
					}
					List<StreamMessage<byte[], byte[]>> batch = await(next);
					next = null;
					this.lastReadNanos = System.nanoTime();
					if (this.problem != null) {
						logger.info("Reading stream " + this.key + " as " + consumerName());
						if (this.readBefore) {
							// Read again after losing its connection: a reconnect, even on a new connection.
							this.recovered.run();
						}
						this.problem = null;
					}
					this.readBefore = true;
					backOff = null;
					if (!NEW_ENTRIES.equals(offset)) {
						// This consumer's own pending entries, left by a previous run: then new ones.
						offset = batch.isEmpty() ? NEW_ENTRIES : batch.get(batch.size() - 1).getId();
					}
					if (this.running) {
						// The next read travels while this batch is dispatched. On stop, the batch in
						// flight is awaited and dispatched too: the lanes drain it before the dispatcher stops.
						next = read(commands, offset);
					}
					// The whole batch is started at once, so that the claim does not take an entry still waiting
					// here for room in a lane; one of our own pending entries the claim took already is skipped.
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
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (isNoGroup(ex)) {
					groupReady = false;
					offset = "0";
				}
				this.problem = LogText.safe(RedisProblem.describe(ex), 300);
				backOff = (backOff != null) ? backOff : RETRY.start();
				long backoffMillis = backOff.nextBackOff();
				logger.warn("Stream " + this.key + ": " + this.problem + "; retrying in " + backoffMillis + " ms");
				if (!pause(backoffMillis)) {
					return;
				}
			}
		}
	}

	private RedisFuture<List<StreamMessage<byte[], byte[]>>> read(RedisClusterAsyncCommands<byte[], byte[]> commands,
			String offset) {
		return commands.xreadgroup(this.consumer, this.readArgs, StreamOffset.from(this.keyBytes, offset));
	}

	private void createGroup(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		try {
			// From the start of the stream: entries added before the group existed are consumed too.
			await(commands.xgroupCreate(StreamOffset.from(this.keyBytes, "0"), this.group, XGroupCreateArgs.Builder.mkstream()));
			logger.info("Created consumer group " + new String(this.group, StandardCharsets.UTF_8) + " on stream "
					+ this.key);
		}
		catch (RedisCommandExecutionException ex) {
			if (ex.getMessage() == null || !ex.getMessage().startsWith("BUSYGROUP")) {
				throw ex;
			}
		}
	}

	private <T> T await(RedisFuture<T> future) {
		return LettuceFutures.awaitOrCancel(future, this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private String consumerName() {
		return new String(this.consumer.getName(), StandardCharsets.UTF_8);
	}

	private static boolean isNoGroup(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("NOGROUP")) {
				return true;
			}
		}
		return false;
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

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * What a reader needs to know.
	 *
	 * @param group the consumer group
	 * @param consumerName this replica's consumer name
	 * @param batchSize entries per read
	 * @param block how long a read waits for entries
	 */
	record StreamSettings(String group, String consumerName, int batchSize, Duration block) {
	}

}
