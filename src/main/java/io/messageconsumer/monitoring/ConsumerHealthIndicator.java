package io.messageconsumer.monitoring;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.source.SourceStatus;

/**
 * The {@code consumer} health: {@code UP} only while every configured source consumes everything it
 * was configured to, as its source checks on the Redis server; {@code OUT_OF_SERVICE} while a
 * source still consumes but is about to be cut off; {@code DOWN} otherwise.
 */
public class ConsumerHealthIndicator implements HealthIndicator {

	private final ConsumerProperties properties;

	private final List<SourceStatus.Source> sources;

	private final MessageDispatcher dispatcher;

	/**
	 * Create the indicator.
	 * @param properties the consumer configuration
	 * @param sources every configured source
	 * @param dispatcher the source of queue depth, in-flight count and last message time
	 */
	public ConsumerHealthIndicator(ConsumerProperties properties, List<SourceStatus.Source> sources,
			MessageDispatcher dispatcher) {
		this.properties = properties;
		this.sources = List.copyOf(sources);
		this.dispatcher = dispatcher;
	}

	@Override
	public Health health() {
		SourceStatus.Level worst = this.sources.isEmpty() ? SourceStatus.Level.DOWN : SourceStatus.Level.CONSUMING;
		Map<String, Object> bySource = new LinkedHashMap<>();
		String state = "consuming";
		for (SourceStatus.Source source : this.sources) {
			SourceStatus status = source.status();
			if (status.level().compareTo(worst) > 0) {
				worst = status.level();
				state = status.state();
			}
			Map<String, Object> details = new LinkedHashMap<>(status.details());
			details.put("state", status.state());
			bySource.put(source.name(), details);
		}
		if (!this.dispatcher.isRunning()) {
			worst = SourceStatus.Level.DOWN;
			state = "stopped";
		}
		Health.Builder builder = switch (worst) {
			case CONSUMING -> Health.up();
			// Still consuming, but should get no more work: readiness turns OUT_OF_SERVICE.
			case DEGRADED -> Health.outOfService();
			case DOWN -> Health.down();
		};
		addWhatIsConsumed(builder);
		builder.withDetail("state", state);
		// Absent until the first message: no "null" string for a client to parse.
		Instant lastMessageAt = this.dispatcher.lastMessageAt();
		if (lastMessageAt != null) {
			builder.withDetail("lastMessageAt", lastMessageAt.toString());
		}
		return builder.withDetail("queueDepth", this.dispatcher.queueDepth())
			.withDetail("inFlight", this.dispatcher.inFlight())
			.withDetail("sources", bySource)
			.build();
	}

	/**
	 * The mode, and only what it consumes: channels and patterns unless it reads streams alone,
	 * streams unless it reads pub/sub alone.
	 */
	private void addWhatIsConsumed(Health.Builder builder) {
		ConsumerProperties.Mode mode = this.properties.mode();
		builder.withDetail("mode", mode.name().toLowerCase(Locale.ROOT));
		if (mode != ConsumerProperties.Mode.STREAM) {
			builder.withDetail("channels", this.properties.channels()).withDetail("patterns", this.properties.patterns());
		}
		if (mode != ConsumerProperties.Mode.PUBSUB) {
			builder.withDetail("streams", this.properties.streams().keys());
		}
	}

}
