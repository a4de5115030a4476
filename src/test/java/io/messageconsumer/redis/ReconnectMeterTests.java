package io.messageconsumer.redis;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.event.DefaultEventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectMeter}: a source's reconnects, from connection events or reported
 * by the source, counted once.
 */
class ReconnectMeterTests {

	private static final SocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 50000);

	private static final SocketAddress REDIS = new InetSocketAddress("127.0.0.1", 6379);

	private final DefaultEventBus events = new DefaultEventBus(Schedulers.immediate());

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ReconnectMeter meter = new ReconnectMeter("stream", this.meters);

	private final List<String> told = new ArrayList<>();

	@Test
	void countsARestoredConnectionAndTellsTheListener() {
		follow();
		this.events.publish(new ReconnectAttemptEvent(null, null, LOCAL, REDIS, 1, Duration.ofMillis(100)));
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));

		assertThat(reconnects()).isEqualTo(1);
		assertThat(this.told).containsExactly("disconnected " + REDIS, "reconnected " + REDIS);
	}

	@Test
	void countsARecoveryOnANewConnectionThatNoEventCounted() {
		this.meter.recovered(Duration.ofSeconds(7));

		assertThat(reconnects()).isEqualTo(1);
	}

	@Test
	void takesARecoveryWithinTheTimeoutForTheReconnectAnEventCounted() {
		follow();
		this.events.publish(new ReconnectAttemptEvent(null, null, LOCAL, REDIS, 1, Duration.ofMillis(100)));
		this.events.publish(new ConnectionActivatedEvent(LOCAL, REDIS));
		this.meter.recovered(Duration.ofSeconds(7));

		assertThat(reconnects()).isEqualTo(1);

		this.meter.recovered(Duration.ZERO);

		assertThat(reconnects()).isEqualTo(2);
	}

	@Test
	void tagsTheMeterWithTheSource() {
		new ReconnectMeter("pubsub", this.meters).recovered(Duration.ZERO);

		assertThat(this.meters.get("consumer.redis.reconnects").tag("source", "pubsub").counter().count()).isEqualTo(1);
		assertThat(reconnects()).isZero();
	}

	private void follow() {
		this.meter.follow(this.events, (address) -> false, new ReconnectMeter.Listener() {

			@Override
			public void disconnected(SocketAddress remote) {
				ReconnectMeterTests.this.told.add("disconnected " + remote);
			}

			@Override
			public void reconnected(SocketAddress remote) {
				ReconnectMeterTests.this.told.add("reconnected " + remote);
			}

		});
	}

	private double reconnects() {
		return this.meters.get("consumer.redis.reconnects").tag("source", "stream").counter().count();
	}

}
