package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.StreamPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis with an append-only file restarted while stream entries flow: what was added and
 * acknowledged survives, consumption resumes, every order reaches an outcome, and none is
 * applied twice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=" + StreamRedisRestartIntegrationTests.STREAM,
		"consumer.streams.group=" + StreamRedisRestartIntegrationTests.GROUP, "consumer.streams.consumer-name=restart-a",
		"consumer.streams.claim-min-idle=5s", "consumer.streams.block=500ms", "consumer.concurrency=2" })
@DirtiesContext
@OwnRedisServer(arguments = { "--appendonly", "yes", "--appendfsync", "everysec" })
class StreamRedisRestartIntegrationTests {

	static final String STREAM = "orders-stream";

	static final String GROUP = "workers";

	private static final int ORDERS = 30_000;

	private static RedisServerProcess redisServer;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@Test
	void resumesAfterARestartAndAppliesEveryOrderOnce() {
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
		assertThat(redisServer.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nyes");
		try (StreamPublisher publisher = new StreamPublisher(redisServer.url(), STREAM, ORDERS, 3_000,
				(number) -> order("restart-" + number))) {
			await().atMost(Duration.ofSeconds(30)).until(() -> publisher.sent() >= ORDERS / 3);
			long processedBefore = (long) count("processed");
			long restartedAt = System.nanoTime();
			redisServer.restart();
			Duration restart = Duration.ofNanos(System.nanoTime() - restartedAt);
			await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
			Duration toUp = Duration.ofNanos(System.nanoTime() - restartedAt);

			await().atMost(Duration.ofSeconds(30)).until(publisher::isDone);
			await().atMost(Duration.ofSeconds(60)).until(() -> consumedAndAcknowledged(publisher));

			long entries = this.redis.opsForStream().size(STREAM);
			long applied = existingOrders(publisher.sent());
			long processed = (long) count("processed");
			long duplicates = (long) count("duplicate");
			System.out.printf("Redis restart (AOF everysec) after %d of %d orders sent and %d processed: restart took "
					+ "%d ms, consumer UP %d ms after it began; %d XADDs failed while Redis was away; %d entries, "
					+ "%d orders applied, %d processed, %d duplicates (order script run, reply lost, retried), %.0f claimed%n", ORDERS / 3, ORDERS,
					processedBefore, restart.toMillis(), toUp.toMillis(), publisher.failed(), entries, applied,
					processed, duplicates, this.meters.get("consumer.stream.claimed").counter().count());

			// Each entry is an order of its own. One outcome per entry: none redelivered once it had one. An
			// order whose script ran as Redis went away lost its reply, and its retry found it applied: a
			// duplicate, applied once all the same.
			assertThat(processed + duplicates).isEqualTo(entries);
			assertThat(applied).isEqualTo(entries);
			assertThat(entries).isGreaterThanOrEqualTo(publisher.confirmed());
			for (long number = 0; number < publisher.sent(); number++) {
				if (publisher.isConfirmed(number)) {
					assertThat(this.redis.hasKey("orders:restart-" + number)).as("order %d", number).isTrue();
				}
			}
			assertThat(count("rejected") + count("failed")).isZero();
			assertThat(this.redis.opsForStream().size("consumer:dead-letter")).isZero();
			assertThat(this.meters.get("consumer.redis.reconnects").tag("source", "stream").counter().count()).isPositive();
			assertThat(redisServer.logFile()).content().contains("DB loaded from append only file");
		}
	}

	/** Every entry delivered to the group and acknowledged, and every confirmed order applied. */
	private boolean consumedAndAcknowledged(StreamPublisher publisher) {
		StreamInfo.XInfoStream stream = this.redis.opsForStream().info(STREAM);
		String lastDelivered = this.redis.opsForStream().groups(STREAM).get(0).lastDeliveredId();
		return stream.lastGeneratedId().equals(lastDelivered)
				&& this.redis.opsForStream().pending(STREAM, GROUP).getTotalPendingMessages() == 0
				&& existingOrders(publisher.sent()) >= publisher.confirmed();
	}

	/** How many of the orders numbered below {@code sent} have a hash, asked with pipelined EXISTS. */
	private long existingOrders(long sent) {
		List<Object> exists = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (long i = 0; i < sent; i++) {
				connection.keyCommands().exists(("orders:restart-" + i).getBytes(StandardCharsets.UTF_8));
			}
			return null;
		});
		return exists.stream().filter(Boolean.TRUE::equals).count();
	}

	private double count(String outcome) {
		return this.meters.find("consumer.messages")
			.tag("type", "order")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

}
