package io.messageconsumer.source.stream;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.source.SourceStatus;
import io.messageconsumer.redis.DedicatedConnectionFactory;
import io.messageconsumer.redis.ReconnectMeter;

/**
 * The stream source's lifecycle and wiring: one {@link StreamReader} per configured stream, each
 * on a dedicated connection of its own Lettuce resources (their reconnects counted by a
 * {@link ReconnectMeter}), plus the {@link StreamMaintenance} on the application's task scheduler
 * (claims, samples, stale consumers). Its health is the {@link StreamStats} beside each reader's.
 * <p>
 * It stops before the dispatcher: reading stops, buffered entries drain and are acknowledged,
 * and entries not finished by the drain timeout stay pending for another replica to claim.
 */
public class StreamConsumer implements SmartLifecycle, SourceStatus.Source {

	/** Stops before the dispatcher, so what was read drains. */
	static final int PHASE = MessageDispatcher.PHASE + 50;

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private final StreamsProperties settings;

	private final LettuceConnectionFactory application;

	private final MessageDispatcher dispatcher;

	private final StreamAcknowledger acknowledger;

	private final Runnable warmUp;

	private final StreamStats stats;

	private final StreamMaintenance maintenance;

	private final ReconnectMeter reconnects;

	private volatile List<StreamReader> readers = List.of();

	private volatile DedicatedConnectionFactory connections;

	private volatile Disposable connectionEvents;

	private volatile ReaderThreads readerThreads;

	private volatile boolean running;

	/**
	 * Create the source.
	 * @param settings the {@code consumer.streams.*} settings
	 * @param application the application's connection factory, whose settings the readers' connections copy
	 * @param redis the application's shared connection, for claims and statistics
	 * @param dispatcher where entries go
	 * @param acknowledger acknowledges finished entries
	 * @param meters registry for the stream meters
	 * @param warmUp run once before the first read
	 * @param scheduler the application's task scheduler, for the claims and the statistics
	 */
	StreamConsumer(StreamsProperties settings, LettuceConnectionFactory application, StringRedisTemplate redis,
			MessageDispatcher dispatcher, StreamAcknowledger acknowledger, MeterRegistry meters, Runnable warmUp,
			TaskScheduler scheduler) {
		this.settings = settings;
		this.application = application;
		this.dispatcher = dispatcher;
		this.acknowledger = acknowledger;
		this.warmUp = warmUp;
		this.reconnects = new ReconnectMeter(InProgressEntries.SOURCE, meters);
		this.stats = new StreamStats(settings, redis, meters);
		this.maintenance = new StreamMaintenance(settings, redis, meters, this.stats, scheduler);
	}

	@Override
	public String name() {
		return InProgressEntries.SOURCE;
	}

	@Override
	public SourceStatus status() {
		return this.stats.status(this.readers, this.running);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		// XREADGROUP blocks for up to consumer.streams.block on these connections.
		this.connections = new DedicatedConnectionFactory(this.application, this.settings.block());
		this.connectionEvents = this.reconnects.follow(this.connections.events(), this.connections::isSentinel,
				new ConnectionLog());
		List<StreamReader> created = new ArrayList<>();
		for (String key : this.settings.keys()) {
			// Pending and lag are known before the reader first reads, so before health turns UP.
			StreamReader reader = new StreamReader(new InProgressEntries(key, this.dispatcher, this.acknowledger),
					this.settings, this.connections.factory(), () -> this.maintenance.sample(key));
			reader.health().onRecovery(this::readerRecovered);
			created.add(reader);
		}
		this.readers = List.copyOf(created);
		this.readerThreads = new ReaderThreads(this.readers, this.settings.block());
		this.readerThreads.start(this.warmUp);
		this.maintenance.start(created.stream().map(StreamReader::entries).toList(), this::isRunning);
		logger.info("Reading streams " + this.settings.keys() + " in group " + this.settings.group() + " as "
				+ this.settings.consumerName());
	}

	@Override
	public void stop() {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
		}
		this.maintenance.stop();
		this.readerThreads.stop();
		this.connectionEvents.dispose();
		this.connections.close();
	}

	/** A reader read again after its connection failed: a reconnect, unless an event counted it within its timeout. */
	private void readerRecovered() {
		this.reconnects.recovered(this.settings.block().plusSeconds(5));
	}

	/** Logs the readers' dropped and restored connections. */
	private final class ConnectionLog implements ReconnectMeter.Listener {

		@Override
		public void disconnected(SocketAddress remote) {
			if (StreamConsumer.this.running) {
				logger.warn("Stream reader disconnected from " + remote + "; reconnecting");
			}
		}

		@Override
		public void reconnected(SocketAddress remote) {
			logger.info("Stream reader reconnected to " + remote);
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

}
