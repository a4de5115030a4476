package io.messageconsumer.source.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.ConsumerProperties;
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

	private final ConsumerProperties.Streams settings;

	private final LettuceConnectionFactory application;

	private final MessageDispatcher dispatcher;

	private final StreamAcknowledger acknowledger;

	private final Runnable warmUp;

	private final PendingClaimer claimer;

	private final StreamStats stats;

	private final GroupJanitor janitor;

	private final Counter reconnects;

	private volatile List<StreamReader> readers = List.of();

	private volatile DedicatedConnectionFactory connections;

	private volatile Disposable connectionEvents;

	private volatile ScheduledExecutorService maintenance;

	private volatile List<Thread> threads = List.of();

	private volatile boolean running;

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
		this.dispatcher = dispatcher;
		this.acknowledger = acknowledger;
		this.warmUp = warmUp;
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", InProgressEntries.SOURCE)
			.register(meters);
		this.claimer = new PendingClaimer(settings, redis, meters);
		this.stats = new StreamStats(settings.keys(), settings.group(), redis, meters);
		this.janitor = new GroupJanitor(settings, redis);
	}

	@Override
	public String name() {
		return InProgressEntries.SOURCE;
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
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("reading", reading);
			this.stats.describe(key, details);
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
			StreamReader reader = new StreamReader(new InProgressEntries(key, this.dispatcher, this.acknowledger),
					readerSettings, this.connections.factory());
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
		long claimEvery = this.claimer.intervalMillis();
		List<InProgressEntries> entries = created.stream().map(StreamReader::entries).toList();
		this.maintenance.scheduleWithFixedDelay(() -> this.claimer.claimAll(entries, this::isRunning), claimEvery,
				claimEvery, TimeUnit.MILLISECONDS);
		this.maintenance.scheduleWithFixedDelay(this::sampleAll, 0, StreamStats.INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
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

	private void sampleAll() {
		boolean removeStale = this.janitor.due();
		for (String key : this.settings.keys()) {
			try {
				this.stats.sample(key);
				if (removeStale) {
					this.janitor.removeStaleConsumers(key);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Sampling stream " + key + " failed: " + ex.getMessage());
			}
		}
	}

}
