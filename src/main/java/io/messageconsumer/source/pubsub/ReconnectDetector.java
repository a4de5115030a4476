package io.messageconsumer.source.pubsub;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

/**
 * Counts reconnects of the subscriber in {@code consumer.redis.reconnects}, from the connection
 * events of the subscriber's own Lettuce resources (so no other connection is counted).
 * <p>
 * Every activation after the first is a reconnect, however short the outage: sampling
 * {@code CLIENT LIST} would miss a Redis that was killed and back between two samples. Each
 * disconnect while subscribing (not the one of a shutdown) is logged with the output buffer last
 * seen, the best hint of what was lost with it.
 */
final class ReconnectDetector implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReconnectDetector.class);

	private final Counter reconnects;

	private final LongSupplier lastOutputBufferBytes;

	private final BooleanSupplier subscribing;

	private final Disposable subscription;

	private boolean activatedBefore;

	private boolean active;

	ReconnectDetector(EventBus events, MeterRegistry meters, LongSupplier lastOutputBufferBytes,
			BooleanSupplier subscribing) {
		this.lastOutputBufferBytes = lastOutputBufferBytes;
		this.subscribing = subscribing;
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", PubSubListener.SOURCE)
			.register(meters);
		this.subscription = events.get().subscribe(this::onEvent);
	}

	private synchronized void onEvent(Object event) {
		if (event instanceof ConnectionActivatedEvent activated) {
			if (this.activatedBefore) {
				this.reconnects.increment();
				logger.info("Pub/sub subscriber reconnected to " + activated.remoteAddress());
			}
			this.activatedBefore = true;
			this.active = true;
		}
		else if (event instanceof ConnectionDeactivatedEvent deactivated && this.active) {
			this.active = false;
			if (!this.subscribing.getAsBoolean()) {
				return;
			}
			logger.warn("Pub/sub subscriber disconnected from " + deactivated.remoteAddress()
					+ "; its output buffer was last seen at " + this.lastOutputBufferBytes.getAsLong() + " bytes");
		}
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

}
