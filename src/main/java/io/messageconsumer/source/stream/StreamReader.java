package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.support.LogText;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.message.DeadLetterReason;

/**
 * Reads one stream as this replica's consumer in the group, on a connection of its own that
 * runs no handler: {@code XREADGROUP} in batches ({@code COUNT}, {@code BLOCK}), each entry handed
 * to the dispatcher, which makes the reader wait while the lanes are full (a stream keeps what
 * is not read, so nothing overflows). It first reads what this consumer left pending before a
 * restart, then new entries. The group is created (with {@code MKSTREAM}, from the start of the
 * stream) when missing, also when it disappears while running.
 */
final class StreamReader implements Runnable {

	static final String SOURCE = "stream";

	/** The entry field holding the message. */
	static final String PAYLOAD_FIELD = "payload";

	private static final Log logger = LogFactory.getLog(StreamReader.class);

	private static final byte[] PAYLOAD = bytes(PAYLOAD_FIELD);

	private static final String NEW_ENTRIES = ">";

	private final String key;

	private final byte[] keyBytes;

	private final byte[] group;

	private final Consumer<byte[]> consumer;

	private final XReadArgs readArgs;

	private final long timeoutNanos;

	private final RedisConnectionFactory connections;

	private final MessageDispatcher dispatcher;

	private final StreamAcknowledger acknowledger;

	/** Entries on their way through the pipeline, with when they started ({@link System#nanoTime()}). */
	private final Map<String, Long> inProgress = new ConcurrentHashMap<>();

	private volatile boolean running = true;

	private volatile long lastReadNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	private volatile String problem = "not started";

	private boolean readBefore;

	private Runnable recovered = () -> {
	};

	StreamReader(String key, StreamSettings settings, RedisConnectionFactory connections, MessageDispatcher dispatcher,
			StreamAcknowledger acknowledger) {
		this.key = key;
		this.keyBytes = bytes(key);
		this.group = bytes(settings.group());
		this.consumer = Consumer.from(this.group, bytes(settings.consumerName()));
		this.readArgs = XReadArgs.Builder.count(settings.batchSize()).block(settings.block());
		this.timeoutNanos = settings.block().plusSeconds(5).toNanos();
		this.connections = connections;
		this.dispatcher = dispatcher;
		this.acknowledger = acknowledger;
	}

	/** Run when the reader reads again after a failure. */
	void onRecovery(Runnable action) {
		this.recovered = action;
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

	/**
	 * Start an entry on its way through the pipeline, unless it is on its way already: the reader
	 * and the claim may both come across one of this consumer's own pending entries.
	 * @param id the entry id
	 * @return {@code true} when the caller is to hand it on, {@code false} when it is in progress
	 */
	boolean begin(String id) {
		return this.inProgress.putIfAbsent(id, System.nanoTime()) == null;
	}

	/**
	 * The entries on their way through the pipeline now, taken before a claim: an entry that
	 * finishes while the claim runs is still pending when the claim takes it, but not lost.
	 * @return a copy of the ids
	 */
	Set<String> inProgressNow() {
		return Set.copyOf(this.inProgress.keySet());
	}

	/**
	 * Entries on their way through the pipeline for longer than the given time.
	 * @param nanos the age
	 * @return their ids
	 */
	List<String> inProgressLongerThan(long nanos) {
		long now = System.nanoTime();
		List<String> old = new ArrayList<>();
		this.inProgress.forEach((id, started) -> {
			if (now - started > nanos) {
				old.add(id);
			}
		});
		return old;
	}

	/** The entry was acknowledged, or released to be delivered again. */
	void finished(String id) {
		this.inProgress.remove(id);
	}

	void stop() {
		this.running = false;
	}

	@Override
	public void run() {
		long backoffMillis = 100;
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
					List<StreamMessage<byte[], byte[]>> entries = await(next);
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
					backoffMillis = 100;
					if (!NEW_ENTRIES.equals(offset)) {
						// This consumer's own pending entries, left by a previous run: then new ones.
						offset = entries.isEmpty() ? NEW_ENTRIES : entries.get(entries.size() - 1).getId();
					}
					if (this.running) {
						// The next read travels while this batch is dispatched. On stop, the batch in
						// flight is awaited and dispatched too: the lanes drain it before the dispatcher stops.
						next = read(commands, offset);
					}
					// The whole batch is started at once, so that the claim does not take an entry still waiting
					// here for room in a lane; one of our own pending entries the claim took already is skipped.
					List<StreamMessage<byte[], byte[]>> started = new ArrayList<>(entries.size());
					for (StreamMessage<byte[], byte[]> entry : entries) {
						if (begin(entry.getId())) {
							started.add(entry);
						}
					}
					for (StreamMessage<byte[], byte[]> entry : started) {
						handle(entry, null);
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
				this.problem = LogText.safe(describe(ex), 300);
				logger.warn("Stream " + this.key + ": " + this.problem + "; retrying in " + backoffMillis + " ms");
				if (!pause(backoffMillis)) {
					return;
				}
				backoffMillis = Math.min(5_000, backoffMillis * 2);
			}
		}
	}

	/**
	 * Hand an entry to the pipeline, or dead-letter it as delivered too often.
	 * @param entry the entry, read or claimed
	 * @param maxDeliveriesDetail why it was delivered too often, or {@code null} to process it
	 */
	void handle(StreamMessage<byte[], byte[]> entry, String maxDeliveriesDetail) {
		String id = entry.getId();
		StreamEntry acknowledgement = new StreamEntry(this, id);
		this.inProgress.putIfAbsent(id, System.nanoTime());
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

	private static String describe(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
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
