package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.StreamPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis restart contract over streams, on a Redis with an append-only file; and, restarted
 * while entries flow: what was added and acknowledged survives, consumption resumes, every order
 * reaches an outcome, and none is applied twice. The order handler gets attempts enough to outlast
 * a restart that a loaded machine makes slow (8: about 13 s of backoff), as a deployment whose
 * handler writes to the same Redis would configure it. With the default 3 (0.3 s of backoff), one
 * run under heavy load (a 2.8 s restart) counted 14 stored orders as neither processed nor
 * duplicate, most likely failed after attempts that all fell inside the restart.
 */
@TestPropertySource(properties = { "consumer.mode=stream",
		"consumer.streams.keys=orders-stream," + StreamRedisRestartContractTests.STREAM,
		"consumer.streams.group=" + StreamRedisRestartContractTests.GROUP, "consumer.streams.consumer-name=restart-a",
		"consumer.streams.claim-min-idle=5s", "consumer.streams.block=500ms", "consumer.concurrency=2",
		"consumer.retry.max-attempts=8" })
@OwnRedisServiceTest(arguments = { "--appendonly", "yes", "--appendfsync", "everysec" })
class StreamRedisRestartContractTests extends RedisRestartContractTests {

	static final String STREAM = "restart-stream";

	static final String GROUP = "workers";

	private static final int ORDERS = 30_000;

	@Override
	protected Source source() {
		return Source.stream(GROUP);
	}

	@Test
	void resumesAfterARestartAndAppliesEveryOrderOnce() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		assertThat(redisServer.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nyes");
		// The contract's test may have run first in this context: count from here.
		double processedAtStart = this.service.messages("order", "processed");
		double duplicatesAtStart = this.service.messages("order", "duplicate");
		try (StreamPublisher publisher = new StreamPublisher(redisServer.url(), STREAM, ORDERS, 3_000,
				(number) -> Orders.order("restart-" + number))) {
			await().atMost(Duration.ofSeconds(30)).until(() -> publisher.sent() >= ORDERS / 3);
			long processedBefore = (long) (this.service.messages("order", "processed") - processedAtStart);
			long restartedAt = System.nanoTime();
			redisServer.restart();
			Duration restart = Duration.ofNanos(System.nanoTime() - restartedAt);
			this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
			Duration toUp = Duration.ofNanos(System.nanoTime() - restartedAt);

			await().atMost(Duration.ofSeconds(30)).until(publisher::isDone);
			await().atMost(Duration.ofSeconds(60)).until(() -> consumedAndAcknowledged(publisher));

			long entries = this.service.redis().opsForStream().size(STREAM);
			long applied = existingOrders(publisher.sent());
			long processed = (long) (this.service.messages("order", "processed") - processedAtStart);
			long duplicates = (long) (this.service.messages("order", "duplicate") - duplicatesAtStart);
			System.out.printf("Redis restart (AOF everysec) after %d of %d orders sent and %d processed: restart took "
					+ "%d ms, consumer UP %d ms after it began; %d XADDs failed while Redis was away; %d entries, "
					+ "%d orders applied, %d processed, %d duplicates (order script run, reply lost, retried), %.0f claimed%n", ORDERS / 3, ORDERS,
					processedBefore, restart.toMillis(), toUp.toMillis(), publisher.failed(), entries, applied,
					processed, duplicates, this.service.counter("consumer.stream.claimed"));

			// Each entry is an order of its own. One outcome per entry: none redelivered once it had one. An
			// order whose script ran as Redis went away lost its reply, and its retry found it applied: a
			// duplicate, applied once all the same.
			assertThat(processed + duplicates)
				.as("outcomes (besides: %.0f failed, %.0f rejected, %d dead letters)",
						this.service.messages("order", "failed"), this.service.messages("order", "rejected"),
						this.service.redis().opsForStream().size("consumer:dead-letter"))
				.isEqualTo(entries);
			assertThat(applied).isEqualTo(entries);
			assertThat(entries).isGreaterThanOrEqualTo(publisher.confirmed());
			for (long number = 0; number < publisher.sent(); number++) {
				if (publisher.isConfirmed(number)) {
					assertThat(this.service.hasOrder("restart-" + number)).as("order %d", number).isTrue();
				}
			}
			assertThat(this.service.messages("order", "rejected") + this.service.messages("order", "failed")).isZero();
			assertThat(this.service.redis().opsForStream().size("consumer:dead-letter")).isZero();
			assertThat(this.service.reconnects("stream")).isPositive();
			assertThat(redisServer.logFile()).content().contains("DB loaded from append only file");
		}
	}

	/** Every entry delivered to the group and acknowledged, and every confirmed order applied. */
	private boolean consumedAndAcknowledged(StreamPublisher publisher) {
		StreamInfo.XInfoStream stream = this.service.redis().opsForStream().info(STREAM);
		String lastDelivered = this.service.redis().opsForStream().groups(STREAM).get(0).lastDeliveredId();
		return stream.lastGeneratedId().equals(lastDelivered)
				&& this.service.redis().opsForStream().pending(STREAM, GROUP).getTotalPendingMessages() == 0
				&& existingOrders(publisher.sent()) >= publisher.confirmed();
	}

	/**
	 * How many of the orders numbered below {@code sent} have a hash, asked with pipelined EXISTS,
	 * 1,000 at a time (one pipeline of 30,000 can outlast the command timeout on a loaded machine).
	 */
	private long existingOrders(long sent) {
		long existing = 0;
		for (long from = 0; from < sent; from += 1_000) {
			long first = from;
			long last = Math.min(sent, from + 1_000);
			List<Object> exists = this.service.redis().executePipelined((RedisCallback<Object>) (connection) -> {
				for (long i = first; i < last; i++) {
					connection.keyCommands().exists(("orders:restart-" + i).getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
			existing += exists.stream().filter(Boolean.TRUE::equals).count();
		}
		return existing;
	}

}
