package io.messageconsumer.source.pubsub;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

import io.lettuce.core.event.DefaultEventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectDetector}: only connections the watchdog restores count.
 */
class ReconnectDetectorTests {

	private static final SocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 50000);

	private static final SocketAddress REDIS = new InetSocketAddress("127.0.0.1", 6379);

	private static final SocketAddress SENTINEL = new InetSocketAddress("127.0.0.1", 26379);

	private final DefaultEventBus events = new DefaultEventBus(Schedulers.immediate());

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ReconnectDetector detector = new ReconnectDetector(this.events, this.meters, () -> 0, () -> true,
			SENTINEL::equals);

	@Test
	void doesNotCountConnectionsOpenedWithoutADrop() {
		// The first subscription, and a Cluster client's topology look-ups opened and closed.
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));
		this.events.publish(new ConnectionDeactivatedEvent(LOCAL, REDIS));

		assertThat(reconnects()).isZero();
	}

	@Test
	void countsADroppedConnectionRestoredOnceHoweverManyAttemptsItTook() {
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));
		this.events.publish(new ConnectionDeactivatedEvent(LOCAL, REDIS));
		for (int attempt = 1; attempt <= 3; attempt++) {
			this.events.publish(new ReconnectAttemptEvent(null, null, LOCAL, REDIS, attempt, Duration.ofMillis(100)));
		}
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));

		assertThat(reconnects()).isEqualTo(1);
	}

	@Test
	void doesNotTakeTheSentinelLookUpForTheReconnect() {
		this.events.publish(new ReconnectAttemptEvent(null, null, LOCAL, REDIS, 1, Duration.ofMillis(100)));
		this.events.publish(new ConnectionActivatedEvent(LOCAL, SENTINEL));

		assertThat(reconnects()).isZero();

		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));

		assertThat(reconnects()).isEqualTo(1);
	}

	private double reconnects() {
		return this.meters.get("consumer.redis.reconnects").counter().count();
	}

}
