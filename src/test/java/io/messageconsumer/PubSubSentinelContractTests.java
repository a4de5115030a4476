package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RatePublisher;
import io.messageconsumer.support.RedisSentinelProcesses;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Sentinel contract over pub/sub; and, after a {@code SENTINEL FAILOVER} under a steady
 * publisher, the subscriber moves to the new master by itself.
 */
@TestPropertySource(properties = { "consumer.queue-capacity=100000", "consumer.retry.max-attempts=10" })
class PubSubSentinelContractTests extends SentinelContractTests {

	private static final int RATE = 200;

	@Override
	protected Source source() {
		return Source.pubSub();
	}

	@Override
	protected boolean readsOn(RedisServerProcess server) {
		return isSubscribedOn(server);
	}

	@Test
	void consumesFromTheMasterAndFollowsAFailover() {
		RedisSentinelProcesses sentinel = sentinel();
		this.service.awaitReady(Duration.ofSeconds(30));
		RedisServerProcess oldMaster = sentinel.master();
		assertThat(isSubscribedOn(oldMaster)).isTrue();
		String first = "sentinel-" + UUID.randomUUID();
		this.service.publish("orders", order(first));
		await().atMost(Duration.ofSeconds(10)).until(() -> "received".equals(oldMaster.cli("HGET", "orders:" + first, "status")));
		// The Sentinel look-ups are connections too, but no reconnect happened yet.
		assertThat(reconnects()).isZero();

		String run = UUID.randomUUID().toString();
		RedisServerProcess newMaster;
		long mark;
		// A publisher that finds the master through the Sentinel, as publishers in production do.
		RatePublisher steady = new RatePublisher(sentinel.sentinelUrl(), "orders", RATE,
				(number) -> order(run + "-steady-" + number));
		RatePublisher onNewMaster = null;
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> steady.delivered().size() >= RATE / 2);

			long failoverAt = System.nanoTime();
			newMaster = sentinel.failover();
			long namedAt = System.nanoTime();
			// A publisher that connects now, to the master the Sentinel names.
			onNewMaster = new RatePublisher(newMaster.url(), "orders", RATE, (number) -> order(run + "-new-" + number));
			RedisServerProcess promoted = newMaster;
			await().atMost(Duration.ofSeconds(30)).until(() -> isSubscribedOn(promoted));
			long resubscribedAt = System.nanoTime();
			this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
			long upAt = System.nanoTime();
			System.out.printf(
					"Sentinel failover: new master named after %d ms, subscriber on it after %d ms, consumer UP after %d ms%n",
					millis(namedAt - failoverAt), millis(resubscribedAt - failoverAt), millis(upAt - failoverAt));

			// The steady publisher stays on the old master until the Sentinel demotes it and kills
			// its clients (about 10 s); from the mark on, what it delivered went to the new master.
			mark = steady.published();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> steady.delivered().stream().filter((number) -> number > mark).count() >= RATE);
		}
		finally {
			steady.close();
			if (onNewMaster != null) {
				onNewMaster.close();
			}
		}
		List<String> expected = new ArrayList<>();
		steady.delivered().stream().filter((number) -> number > mark).forEach((number) -> expected.add(run + "-steady-" + number));
		onNewMaster.delivered().forEach((number) -> expected.add(run + "-new-" + number));
		System.out.printf("Sentinel failover: steady publisher %d published, %d delivered (%d after the move); "
				+ "new-master publisher %d published, %d delivered%n", steady.published(), steady.delivered().size(),
				expected.size() - onNewMaster.delivered().size(), onNewMaster.published(), onNewMaster.delivered().size());

		assertThat(newMaster.cli("ROLE")).startsWith("master");
		String[] keys = expected.stream().map((id) -> "orders:" + id).toArray(String[]::new);
		RedisClient client = RedisClient.create(newMaster.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			await().atMost(Duration.ofSeconds(20)).until(() -> connection.sync().exists(keys) == keys.length);
			// Not asserted: what the old master stored after the promotion, before the service moved.
			long missing = steady.delivered()
				.stream()
				.filter((number) -> number <= mark && connection.sync().exists("orders:" + run + "-steady-" + number) == 0)
				.count();
			System.out.printf("Sentinel failover: %d orders delivered before the move are not on the new master%n",
					missing);
		}
		finally {
			client.shutdown();
		}
		// The subscriber was moved once; the Sentinel's later demotion of the old master found it gone.
		assertThat(reconnects()).isEqualTo(1);
		assertThat(this.service.health("readiness")).isEqualTo("UP");
	}

	private boolean isSubscribedOn(RedisServerProcess server) {
		return server.cli("CLIENT", "LIST", "TYPE", "pubsub").contains(" name=" + this.service.clientName() + " ");
	}

	private double reconnects() {
		return this.service.reconnects("pubsub");
	}

	private static long millis(long nanos) {
		return nanos / 1_000_000;
	}

	private static String order(String id) {
		return Orders.customerOrder(id);
	}

}
