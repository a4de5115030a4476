package io.messageconsumer.source.pubsub;

import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells, from successive sightings of the subscriber in {@code CLIENT LIST}, when it reconnected,
 * and counts it in {@code consumer.redis.reconnects}.
 * <p>
 * A new client id means a new connection; but a restarted Redis hands out the old ids again, so
 * a connection seen missing in between, or one younger than the last sighting, counts too.
 */
class ReconnectDetector {

	private static final Log logger = LogFactory.getLog(ReconnectDetector.class);

	private final Counter reconnects;

	private String lastClientId;

	private long lastClientAge;

	private boolean lostSinceLastSeen;

	ReconnectDetector(MeterRegistry meters) {
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", PubSubListener.SOURCE)
			.register(meters);
	}

	/** The subscriber was not found, or Redis did not answer. */
	void lost() {
		this.lostSinceLastSeen = true;
	}

	/** The subscriber was found with this client id and age (seconds). */
	void seen(String clientId, long age, long lastOutputBufferBytes) {
		boolean reconnected = this.lastClientId != null && (this.lostSinceLastSeen
				|| !Objects.equals(this.lastClientId, clientId) || age < this.lastClientAge);
		if (reconnected) {
			this.reconnects.increment();
			logger.info("Pub/sub subscriber reconnected (client id " + this.lastClientId + " -> " + clientId
					+ "); output buffer last seen at " + lastOutputBufferBytes + " bytes");
		}
		this.lastClientId = clientId;
		this.lastClientAge = age;
		this.lostSinceLastSeen = false;
	}

}
