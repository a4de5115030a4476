package io.messageconsumer.monitoring;

import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.source.SourceStatus;

/**
 * Logs one line when consumption starts: the moment every configured source consumes all it
 * was configured to, which is also when the {@code consumer} health, and so readiness, turns
 * {@code UP}. In pub/sub mode a message published before it is lost, so this is the line a user
 * waits for. A source that stops consuming and comes back is announced again.
 */
public class ReadinessAnnouncer {

	private static final Log logger = LogFactory.getLog(ReadinessAnnouncer.class);

	private final List<SourceStatus.Source> sources;

	private final BooleanSupplier lanesRunning;

	private final String what;

	private boolean consuming;

	private boolean announced;

	/**
	 * Create the announcer.
	 * @param properties what is consumed
	 * @param sources every configured source
	 * @param lanesRunning whether the lanes run, which they must too
	 */
	public ReadinessAnnouncer(ConsumerProperties properties, List<SourceStatus.Source> sources,
			BooleanSupplier lanesRunning) {
		this.sources = List.copyOf(sources);
		this.lanesRunning = lanesRunning;
		this.what = describe(properties);
	}

	static String describe(ConsumerProperties properties) {
		StringBuilder text = new StringBuilder("mode=").append(properties.mode().name().toLowerCase(Locale.ROOT));
		if (properties.mode() != ConsumerProperties.Mode.STREAM) {
			text.append(" channels=").append(properties.channels()).append(" patterns=").append(properties.patterns());
		}
		if (properties.mode() != ConsumerProperties.Mode.PUBSUB) {
			StreamsProperties streams = properties.streams();
			text.append(" streams=").append(streams.keys()).append(" group=").append(streams.group())
				.append(" consumer=").append(streams.consumerName());
		}
		return text.toString();
	}

	/** Look at the sources and log a change into consuming. */
	@Scheduled(fixedDelay = 250)
	public synchronized void check() {
		boolean now = consumingEverything();
		if (now && !this.consuming) {
			logger.info((this.announced ? "Consuming again: " : "Ready to consume: ") + this.what);
			this.announced = true;
		}
		this.consuming = now;
	}

	private boolean consumingEverything() {
		if (this.sources.isEmpty() || !this.lanesRunning.getAsBoolean()) {
			return false;
		}
		for (SourceStatus.Source source : this.sources) {
			if (source.status().level() != SourceStatus.Level.CONSUMING) {
				return false;
			}
		}
		return true;
	}

}
