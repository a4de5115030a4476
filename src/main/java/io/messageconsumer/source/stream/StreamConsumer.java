package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.support.LogText;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.source.SourceStatus;
import io.messageconsumer.redis.DedicatedConnectionFactory;

/**
 * The stream source: one {@link StreamReader} per configured stream, each on a dedicated
 * connection of its own Lettuce resources, plus one maintenance thread that claims entries idle
 * longer than {@code claim-min-idle} (from consumers that died, or replies that were lost),
 * dead-letters those delivered more than {@code max-deliveries} times, removes consumers that
 * are gone and have nothing pending, and samples each stream's pending count and lag.
 * <p>
 * It stops before the dispatcher: reading stops, buffered entries drain and are acknowledged,
 * and entries not finished by the drain timeout stay pending for another replica to claim.
 */
public class StreamConsumer implements SmartLifecycle, SourceStatus.Source {

	/** Stops before the dispatcher, so what was read drains. */
	static final int PHASE = MessageDispatcher.PHASE + 50;

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private static final int CLAIM_BATCH = 100;

	private static final int CLAIM_ROUNDS = 10;

	private static final Duration STATS_INTERVAL = Duration.ofSeconds(2);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private final ConsumerProperties.Streams settings;

	private final LettuceConnectionFactory application;

	private final StringRedisTemplate redis;

	private final MessageDispatcher dispatcher;

	private final StreamAcknowledger acknowledger;

	private final Runnable warmUp;

	private final Map<String, Stats> stats = new LinkedHashMap<>();

	private final Counter reconnects;

	private final Counter claimed;

	private volatile List<StreamReader> readers = List.of();

	private volatile DedicatedConnectionFactory connections;

	private volatile Disposable connectionEvents;

	private volatile ScheduledExecutorService maintenance;

	private volatile List<Thread> threads = List.of();

	private volatile boolean running;

	private long lastStaleCheckNanos = System.nanoTime();

	/** Dropped reader connections the watchdog is restoring. */
	private int restoring;

	private long lastReconnectNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	/**
	 * Create the source.
	 * @param settings the {@code consumer.streams.*} settings
	 * @param application the application's connection factory, whose settings the readers' connections copy
	 * @param redis the application's shared connection, for claims and statistics
	 * @param dispatcher where entries go
	 * @param acknowledger acknowledges finished entries
	 * @param meters registry for the stream meters
	 * @param warmUp run once before the first read
	 */
	StreamConsumer(ConsumerProperties.Streams settings, LettuceConnectionFactory application, StringRedisTemplate redis,
			MessageDispatcher dispatcher, StreamAcknowledger acknowledger, MeterRegistry meters, Runnable warmUp) {
		this.settings = settings;
		this.application = application;
		this.redis = redis;
		this.dispatcher = dispatcher;
		this.acknowledger = acknowledger;
		this.warmUp = warmUp;
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", StreamReader.SOURCE)
			.register(meters);
		this.claimed = Counter.builder("consumer.stream.claimed")
			.description("Pending stream entries claimed after claim-min-idle")
			.register(meters);
		for (String key : settings.keys()) {
			Stats keyStats = new Stats();
			this.stats.put(key, keyStats);
			Gauge.builder("consumer.stream.pending", keyStats, (s) -> s.pending)
				.description("Entries delivered to the group and not yet acknowledged")
				.tag("stream", key)
				.register(meters);
			Gauge.builder("consumer.stream.lag", keyStats, (s) -> s.lag)
				.description("Entries in the stream not yet delivered to the group")
				.tag("stream", key)
				.register(meters);
		}
	}

	@Override
	public String name() {
		return StreamReader.SOURCE;
	}

	@Override
	public SourceStatus status() {
		List<StreamReader> current = this.readers;
		boolean allReading = this.running && !current.isEmpty();
		Map<String, Object> streams = new LinkedHashMap<>();
		for (String key : this.settings.keys()) {
			StreamReader reader = current.stream().filter((r) -> r.name().equals(key)).findFirst().orElse(null);
			boolean reading = reader != null && reader.reading();
			allReading &= reading;
			Stats keyStats = this.stats.get(key);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("reading", reading);
			details.put("pending", figure(keyStats.pending));
			details.put("lag", figure(keyStats.lag));
			if (reader != null && reader.problem() != null && this.running) {
				details.put("problem", reader.problem());
			}
			streams.put(key, details);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("group", this.settings.group());
		details.put("consumerName", this.settings.consumerName());
		details.put("streams", streams);
		if (allReading) {
			return new SourceStatus(SourceStatus.Level.CONSUMING, "consuming", details);
		}
		return new SourceStatus(SourceStatus.Level.DOWN, this.running ? "connecting" : "stopped", details);
	}

	private static Object figure(double value) {
		return Double.isNaN(value) ? "unknown" : (Object) (long) value;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		// XREADGROUP blocks for up to consumer.streams.block on these connections.
		this.connections = new DedicatedConnectionFactory(this.application, this.settings.block());
		this.connectionEvents = this.connections.events().get().subscribe(this::onConnectionEvent);
		StreamReader.StreamSettings readerSettings = new StreamReader.StreamSettings(this.settings.group(),
				this.settings.consumerName(), this.settings.batchSize(), this.settings.block());
		List<StreamReader> created = new ArrayList<>();
		for (String key : this.settings.keys()) {
			StreamReader reader = new StreamReader(key, readerSettings, this.connections.factory(), this.dispatcher,
					this.acknowledger);
			reader.onRecovery(this::readerRecovered);
			created.add(reader);
		}
		this.readers = List.copyOf(created);
		List<Thread> started = new ArrayList<>();
		Thread starter = new Thread(() -> {
			this.warmUp.run();
			synchronized (this) {
				if (!this.running) {
					return;
				}
				for (StreamReader reader : created) {
					Thread thread = new Thread(reader, "consumer-stream-" + reader.name());
					thread.start();
					started.add(thread);
				}
				this.threads = List.copyOf(started);
			}
		}, "consumer-stream-starter");
		starter.start();
		this.maintenance = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "consumer-stream-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		long claimEvery = Math.max(100, Math.min(5_000, this.settings.claimMinIdle().toMillis() / 2));
		this.maintenance.scheduleWithFixedDelay(this::claimAll, claimEvery, claimEvery, TimeUnit.MILLISECONDS);
		this.maintenance.scheduleWithFixedDelay(this::sampleAll, 0, STATS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		logger.info("Reading streams " + this.settings.keys() + " in group " + this.settings.group() + " as "
				+ this.settings.consumerName());
	}

	@Override
	public void stop() {
		List<Thread> current;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			current = this.threads;
		}
		this.maintenance.shutdownNow();
		this.readers.forEach(StreamReader::stop);
		// A read in progress returns within the block time; a reader waiting for room in a lane is interrupted.
		long deadline = System.nanoTime() + this.settings.block().plusSeconds(1).toNanos();
		for (Thread thread : current) {
			join(thread, deadline);
		}
		current.forEach(Thread::interrupt);
		for (Thread thread : current) {
			join(thread, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
		}
		this.connectionEvents.dispose();
		this.connections.close();
		this.threads = List.of();
	}

	/**
	 * A reconnect is a dropped connection Lettuce's watchdog restores (an attempt, then an
	 * activation), not the short-lived connections a Cluster or Sentinel client opens for lookups.
	 */
	private synchronized void onConnectionEvent(Object event) {
		if (event instanceof ReconnectAttemptEvent attempt && attempt.getAttempt() == 1) {
			this.restoring++;
			if (this.running) {
				logger.warn("Stream reader disconnected from " + attempt.remoteAddress() + "; reconnecting");
			}
		}
		else if (event instanceof ConnectionActivatedEvent activated && this.restoring > 0
				&& !this.connections.isSentinel(activated.remoteAddress())) {
			this.restoring--;
			this.reconnects.increment();
			this.lastReconnectNanos = System.nanoTime();
			logger.info("Stream reader reconnected to " + activated.remoteAddress());
		}
	}

	/**
	 * A reader read again after its connection failed: when Lettuce did not restore the connection
	 * (the reader opened a new one), no connection event counted it, so it counts here, unless an
	 * event counted a reconnect within the reader's timeout.
	 */
	private synchronized void readerRecovered() {
		long since = System.nanoTime() - this.lastReconnectNanos;
		if (since > this.settings.block().plusSeconds(5).toNanos()) {
			this.reconnects.increment();
			this.lastReconnectNanos = System.nanoTime();
		}
	}

	private static void join(Thread thread, long deadlineNanos) {
		try {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void claimAll() {
		for (StreamReader reader : this.readers) {
			try {
				keepOwnEntries(reader);
				claim(reader);
			}
			catch (RuntimeException ex) {
				logger.debug("Claiming pending entries of " + reader.name() + " failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * Reset the idle time of entries this replica is still working on once they are a quarter of
	 * claim-min-idle old ({@code XCLAIM ... JUSTID} to itself: no delivery counted), so another
	 * replica never claims an entry that only waits behind a slow handler here.
	 */
	private void keepOwnEntries(StreamReader reader) {
		List<String> old = reader.inProgressLongerThan(this.settings.claimMinIdle().toNanos() / 4);
		if (old.isEmpty()) {
			return;
		}
		Consumer<byte[]> consumer = Consumer.from(StreamReader.bytes(this.settings.group()),
				StreamReader.bytes(this.settings.consumerName()));
		for (int from = 0; from < old.size(); from += CLAIM_BATCH * 10) {
			String[] ids = old.subList(from, Math.min(old.size(), from + CLAIM_BATCH * 10)).toArray(new String[0]);
			execute((commands) -> commands.xclaim(reader.key(), consumer, XClaimArgs.Builder.justid(), ids));
		}
	}

	/** Claim entries idle longer than claim-min-idle and hand them on, or dead-letter those delivered too often. */
	private void claim(StreamReader reader) {
		Consumer<byte[]> consumer = Consumer.from(StreamReader.bytes(this.settings.group()),
				StreamReader.bytes(this.settings.consumerName()));
		String cursor = "0-0";
		for (int round = 0; round < CLAIM_ROUNDS && this.running; round++) {
			String start = cursor;
			Set<String> ours = reader.inProgressNow();
			ClaimedMessages<byte[], byte[]> claim = execute((commands) -> commands.xautoclaim(reader.key(),
					XAutoClaimArgs.Builder.xautoclaim(consumer, this.settings.claimMinIdle(), start).count(CLAIM_BATCH)));
			List<StreamMessage<byte[], byte[]>> entries = claim.getMessages();
			Map<String, Long> deliveries = entries.isEmpty() ? Map.of() : deliveries(reader, consumer, entries);
			for (StreamMessage<byte[], byte[]> entry : entries) {
				if (ours.contains(entry.getId())) {
					// Ours and on its way through a lane when claimed: not lost, just slow (or finished meanwhile).
					continue;
				}
				this.claimed.increment();
				if (!reader.begin(entry.getId())) {
					// Claimed, and then read at once by the reader's pass over this consumer's own pending entries.
					continue;
				}
				long count = deliveries.getOrDefault(entry.getId(), 1L);
				reader.handle(entry, (count > this.settings.maxDeliveries())
						? "delivered " + count + " times (consumer.streams.max-deliveries=" + this.settings.maxDeliveries() + ")"
						: null);
			}
			cursor = claim.getId();
			if (cursor == null || "0-0".equals(cursor)) {
				break;
			}
		}
	}

	private Map<String, Long> deliveries(StreamReader reader, Consumer<byte[]> consumer,
			List<StreamMessage<byte[], byte[]>> entries) {
		return execute((commands) -> {
			List<RedisFuture<List<PendingMessage>>> replies = new ArrayList<>(entries.size());
			for (StreamMessage<byte[], byte[]> entry : entries) {
				replies.add(commands.xpending(reader.key(), consumer, Range.create(entry.getId(), entry.getId()),
						Limit.from(1)));
			}
			Map<String, Long> counts = new LinkedHashMap<>();
			for (RedisFuture<List<PendingMessage>> reply : replies) {
				for (PendingMessage pending : await(reply)) {
					counts.put(pending.getId(), pending.getRedeliveryCount());
				}
			}
			return counts;
		});
	}

	private void sampleAll() {
		boolean removeStale = System.nanoTime() - this.lastStaleCheckNanos > staleCheckInterval().toNanos();
		if (removeStale) {
			this.lastStaleCheckNanos = System.nanoTime();
		}
		for (String key : this.settings.keys()) {
			try {
				sample(key);
				if (removeStale) {
					removeStaleConsumers(key);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Sampling stream " + key + " failed: " + ex.getMessage());
			}
		}
	}

	private Duration staleCheckInterval() {
		Duration idle = this.settings.claimMinIdle();
		return (idle.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : idle;
	}

	private void sample(String key) {
		List<Object> groups = execute((commands) -> commands.xinfoGroups(StreamReader.bytes(key)));
		for (Object group : groups) {
			Map<String, Object> fields = fields(group);
			if (this.settings.group().equals(text(fields.get("name")))) {
				Stats keyStats = this.stats.get(key);
				keyStats.pending = number(fields.get("pending"));
				keyStats.lag = number(fields.get("lag"));
			}
		}
	}

	/** Consumers of the group other than this one that hold nothing and have not read for claim-min-idle are gone. */
	private void removeStaleConsumers(String key) {
		byte[] keyBytes = StreamReader.bytes(key);
		byte[] group = StreamReader.bytes(this.settings.group());
		List<Object> consumers = execute((commands) -> commands.xinfoConsumers(keyBytes, group));
		for (Object consumer : consumers) {
			Map<String, Object> fields = fields(consumer);
			String name = text(fields.get("name"));
			if (name == null || name.equals(this.settings.consumerName()) || number(fields.get("pending")) != 0
					|| number(fields.get("idle")) < this.settings.claimMinIdle().toMillis()) {
				continue;
			}
			execute((commands) -> commands.xgroupDelconsumer(keyBytes, Consumer.from(group, StreamReader.bytes(name))));
			logger.info("Removed consumer " + LogText.safe(name, 128) + " from group " + this.settings.group()
					+ " on stream " + key + ": idle with nothing pending");
		}
	}

	private static Map<String, Object> fields(Object reply) {
		Map<String, Object> fields = new LinkedHashMap<>();
		if (reply instanceof List<?> list) {
			for (int i = 0; i + 1 < list.size(); i += 2) {
				fields.put(text(list.get(i)), list.get(i + 1));
			}
		}
		return fields;
	}

	private static String text(Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return (value != null) ? value.toString() : null;
	}

	private static double number(Object value) {
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		String text = text(value);
		try {
			return (text != null) ? Double.parseDouble(text) : Double.NaN;
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	private <T> T execute(java.util.function.Function<RedisClusterAsyncCommands<byte[], byte[]>, Object> call) {
		return this.redis.execute((RedisCallback<T>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			Object result = call.apply(commands);
			@SuppressWarnings("unchecked")
			T value = (result instanceof RedisFuture<?> future) ? (T) await(future) : (T) result;
			return value;
		});
	}

	private static <T> T await(RedisFuture<T> future) {
		return LettuceFutures.awaitOrCancel(future, COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Last sampled figures of one stream; NaN until known. */
	private static final class Stats {

		volatile double pending = Double.NaN;

		volatile double lag = Double.NaN;

	}

}
