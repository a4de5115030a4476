package io.messageconsumer.source.pubsub;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

/**
 * Counts reconnects of the subscriber in {@code consumer.redis.reconnects}, from the connection
 * events of the subscriber's own Lettuce resources (so no other connection is counted).
 * <p>
 * A reconnect is a connection that Lettuce's watchdog restores: a reconnect attempt, then an
 * activation. Activations without a dropped connection before them are not reconnects: the
 * first subscription, and the short-lived connections a Sentinel or Cluster client opens to look
 * the master or the topology up. Events are used rather than sampling {@code CLIENT LIST}, which
 * would miss a Redis that was killed and back between two samples. Each drop while subscribing
 * (not the close of a shutdown) is logged with the output buffer last seen, the best hint of what
 * was lost with it.
 */
final class ReconnectDetector implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReconnectDetector.class);

	private final Counter reconnects;

	private final LongSupplier lastOutputBufferBytes;

	private final BooleanSupplier subscribing;

	private final Predicate<SocketAddress> lookupOnly;

	private final Disposable subscription;

	/** Dropped connections the watchdog is restoring. */
	private int restoring;

	ReconnectDetector(EventBus events, MeterRegistry meters, LongSupplier lastOutputBufferBytes,
			BooleanSupplier subscribing, Predicate<SocketAddress> lookupOnly) {
		this.lastOutputBufferBytes = lastOutputBufferBytes;
		this.subscribing = subscribing;
		this.lookupOnly = lookupOnly;
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", PubSubListener.SOURCE)
			.register(meters);
		this.subscription = events.get().subscribe(this::onEvent);
	}

	private synchronized void onEvent(Object event) {
		if (event instanceof ReconnectAttemptEvent attempt && attempt.getAttempt() == 1) {
			this.restoring++;
			if (this.subscribing.getAsBoolean()) {
				logger.warn("Pub/sub subscriber disconnected from " + attempt.remoteAddress()
						+ "; its output buffer was last seen at " + this.lastOutputBufferBytes.getAsLong() + " bytes");
			}
		}
		else if (event instanceof ConnectionActivatedEvent activated && this.restoring > 0
				&& !this.lookupOnly.test(activated.remoteAddress())) {
			this.restoring--;
			this.reconnects.increment();
			logger.info("Pub/sub subscriber reconnected to " + activated.remoteAddress());
		}
	}
	@Override
	public void close() {
		this.subscription.dispose();
	}

}
