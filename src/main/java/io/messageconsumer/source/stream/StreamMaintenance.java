package io.messageconsumer.source.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

import io.messageconsumer.config.StreamsProperties;

/**
 * The stream source's periodic work on the application's task scheduler, as every periodic task
 * of the service: the {@link PendingClaimer} (others' idle entries, {@code max-deliveries}, the
 * lease on entries in progress here), the {@link StreamStats} samples of each stream's pending
 * count and lag, and the {@link GroupJanitor}'s removal of consumers that are gone.
 */
final class StreamMaintenance {

	private static final Log logger = LogFactory.getLog(StreamMaintenance.class);

	private final List<String> keys;

	private final PendingClaimer claimer;

	private final StreamStats stats;

	private final GroupJanitor janitor;

	private final TaskScheduler scheduler;

	private List<ScheduledFuture<?>> tasks = List.of();

	StreamMaintenance(StreamsProperties settings, StringRedisTemplate redis, MeterRegistry meters, StreamStats stats,
			TaskScheduler scheduler) {
		this.keys = settings.keys();
		this.claimer = new PendingClaimer(settings, redis, meters);
		this.janitor = new GroupJanitor(settings, redis);
		this.stats = stats;
		this.scheduler = scheduler;
	}

	/**
	 * Schedule the claims and the samples.
	 * @param entries each stream's entries in progress here
	 * @param running whether the source still runs: a claim stops between rounds when it does not
	 */
	synchronized void start(List<InProgressEntries> entries, BooleanSupplier running) {
		Duration claimEvery = Duration.ofMillis(this.claimer.intervalMillis());
		this.tasks = List.of(
				this.scheduler.scheduleWithFixedDelay(() -> this.claimer.claimAll(entries, running),
						Instant.now().plus(claimEvery), claimEvery),
				this.scheduler.scheduleWithFixedDelay(this::sampleAll, Instant.now(), StreamStats.INTERVAL));
	}

	/** Cancel the tasks, interrupting one that runs. */
	synchronized void stop() {
		this.tasks.forEach((task) -> task.cancel(true));
		this.tasks = List.of();
	}

	/**
	 * Sample one stream's pending count and lag now, as a reader does once its group exists.
	 * @param key the stream
	 */
	void sample(String key) {
		try {
			this.stats.sample(key);
		}
		catch (RuntimeException ex) {
			logger.debug("Sampling stream " + key + " failed: " + ex.getMessage());
		}
	}

	private void sampleAll() {
		boolean removeStale = this.janitor.due();
		for (String key : this.keys) {
			sample(key);
			if (removeStale) {
				try {
					this.janitor.removeStaleConsumers(key);
				}
				catch (RuntimeException ex) {
					logger.debug("Removing stale consumers of stream " + key + " failed: " + ex.getMessage());
				}
			}
		}
	}

}
