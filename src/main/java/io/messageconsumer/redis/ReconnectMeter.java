package io.messageconsumer.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.Predicate;

import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;

/**
 * Counts the reconnects of one source's Redis connections in {@code consumer.redis.reconnects},
 * tagged with the source, from the connection events of the source's own Lettuce resources (so
 * no other connection is counted).
 * <p>
 * A reconnect is a connection that Lettuce's watchdog restores: a first reconnect attempt, then
 * an activation. Activations without a dropped connection before them are not reconnects: the
 * first connection, and the short-lived connections a Sentinel or Cluster client opens to look
 * the master or the topology up. Events are used rather than sampling {@code CLIENT LIST}, which
 * would miss a Redis that was killed and back between two samples. A source that opens a new
 * connection itself after its old one failed (no watchdog, so no event) reports it with
 * {@link #recovered(Duration)}.
 */
public final class ReconnectMeter {

	private final Counter reconnects;

	/** Dropped connections the watchdog is restoring. */
	private int restoring;

	private long lastCountedNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	/**
	 * Register the meter of a source.
	 * @param source the source, the meter's {@code source} tag
	 * @param meters the registry
	 */
	public ReconnectMeter(String source, MeterRegistry meters) {
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", source)
			.register(meters);
	}

	/**
	 * Count the reconnects in a source's connection events until the returned subscription is disposed.
	 * @param events the event bus of the source's own Lettuce resources
	 * @param lookupOnly whether a remote address only serves look-ups (a Sentinel), never the source's traffic
	 * @param listener told of each drop and each reconnect counted, say to log them
	 * @return the subscription to the events
	 */
	public Disposable follow(EventBus events, Predicate<SocketAddress> lookupOnly, Listener listener) {
		return events.get().subscribe((event) -> onEvent(event, lookupOnly, listener));
	}

	private void onEvent(Object event, Predicate<SocketAddress> lookupOnly, Listener listener) {
		SocketAddress dropped = null;
		SocketAddress restored = null;
		synchronized (this) {
			if (event instanceof ReconnectAttemptEvent attempt && attempt.getAttempt() == 1) {
				this.restoring++;
				dropped = attempt.remoteAddress();
			}
			else if (event instanceof ConnectionActivatedEvent activated && this.restoring > 0
					&& !lookupOnly.test(activated.remoteAddress())) {
				this.restoring--;
				count();
				restored = activated.remoteAddress();
			}
		}
		if (dropped != null) {
			listener.disconnected(dropped);
		}
		else if (restored != null) {
			listener.reconnected(restored);
		}
	}

	/**
	 * A source works again on a connection of its own after its old one failed: a reconnect, unless
	 * an event counted one within the given time (then it is that one).
	 * @param within how long after a counted reconnect a recovery is taken for the same one
	 */
	public synchronized void recovered(Duration within) {
		if (System.nanoTime() - this.lastCountedNanos > within.toNanos()) {
			count();
		}
	}

	private void count() {
		this.reconnects.increment();
		this.lastCountedNanos = System.nanoTime();
	}

	/** Told of a source's dropped and restored connections. */
	public interface Listener {

		/**
		 * A connection dropped, and Lettuce's watchdog tries to restore it.
		 * @param remote the address it was connected to
		 */
		void disconnected(SocketAddress remote);

		/**
		 * A dropped connection was restored, and counted.
		 * @param remote the address it is connected to
		 */
		void reconnected(SocketAddress remote);

	}

}
