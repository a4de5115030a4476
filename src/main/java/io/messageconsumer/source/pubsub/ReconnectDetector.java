package io.messageconsumer.source.pubsub;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.lettuce.core.event.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import io.messageconsumer.redis.ReconnectMeter;

/**
 * Counts reconnects of the subscriber in {@code consumer.redis.reconnects} (a {@link ReconnectMeter}
 * on the connection events of the subscriber's own Lettuce resources) and logs each drop while
 * subscribing (not the close of a shutdown) with the output buffer last seen, the best hint of
 * what was lost with it.
 */
final class ReconnectDetector implements AutoCloseable, ReconnectMeter.Listener {

	private static final Log logger = LogFactory.getLog(ReconnectDetector.class);

	private final LongSupplier lastOutputBufferBytes;

	private final BooleanSupplier subscribing;

	private final Disposable subscription;

	ReconnectDetector(EventBus events, MeterRegistry meters, LongSupplier lastOutputBufferBytes,
			BooleanSupplier subscribing, Predicate<SocketAddress> lookupOnly) {
		this.lastOutputBufferBytes = lastOutputBufferBytes;
		this.subscribing = subscribing;
		this.subscription = new ReconnectMeter(PubSubListener.SOURCE, meters).follow(events, lookupOnly, this);
	}

	@Override
	public void disconnected(SocketAddress remote) {
		if (this.subscribing.getAsBoolean()) {
			logger.warn("Pub/sub subscriber disconnected from " + remote + "; its output buffer was last seen at "
					+ this.lastOutputBufferBytes.getAsLong() + " bytes");
		}
	}

	@Override
	public void reconnected(SocketAddress remote) {
		logger.info("Pub/sub subscriber reconnected to " + remote);
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

}
