package io.messageconsumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceProcess;
import io.messageconsumer.support.StreamPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas of the packaged service, each its own JVM, in one consumer group on one Redis:
 * they share the work, and when one is killed ({@code kill -9}) in the middle of the flow the
 * others claim what it held, so that every order still reaches one outcome.
 * <p>
 * The second test kills a replica, so the tests run in order on the same three replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@OwnRedisServer
class StreamReplicasIntegrationTests {

	private static final String STREAM = "orders-stream";

	private static final String GROUP = "workers";

	private static final Duration CLAIM_MIN_IDLE = Duration.ofSeconds(3);

	private static final int REPLICAS = 3;

	private static RedisServerProcess redisServer;

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	private static final List<ServiceProcess> replicas = new ArrayList<>();

	@BeforeAll
	static void startReplicas() throws IOException {
		connectionFactory = new LettuceConnectionFactory("127.0.0.1", redisServer.port());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		redis = new StringRedisTemplate(connectionFactory);
		for (int i = 0; i < REPLICAS; i++) {
			replicas.add(ServiceProcess.start("--spring.data.redis.url=" + redisServer.url(), "--consumer.mode=stream",
					"--consumer.streams.keys=" + STREAM, "--consumer.streams.group=" + GROUP,
					"--consumer.streams.consumer-name=" + consumerName(i),
					"--consumer.streams.claim-min-idle=" + CLAIM_MIN_IDLE.toSeconds() + "s",
					"--consumer.streams.block=500ms", "--consumer.concurrency=2", "--consumer.queue-capacity=1000",
					"--consumer.streams.batch-size=100"));
		}
		for (ServiceProcess replica : replicas) {
			await().atMost(Duration.ofSeconds(90))
				.until(() -> "UP".equals(Http.get(replica.port(), "/actuator/health/readiness").healthStatus()));
		}
	}

	@AfterAll
	static void stopReplicas() {
		replicas.forEach(ServiceProcess::close);
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Test
	@Order(1)
	void sharesTheOrdersAcrossReplicasAndProcessesEachOnce() {
		int orders = 3_000;
		long[] before = processedByReplica();
		addPipelined("share-", orders);

		await().atMost(Duration.ofSeconds(60)).until(() -> missingOrders("share-", orders) == 0);
		await().atMost(Duration.ofSeconds(20)).until(() -> pending().getTotalPendingMessages() == 0);
		long[] after = processedByReplica();
		long[] share = new long[REPLICAS];
		for (int i = 0; i < REPLICAS; i++) {
			share[i] = after[i] - before[i];
		}
		System.out.printf("Work sharing: %d orders processed by the replicas as %d + %d + %d%n", orders, share[0],
				share[1], share[2]);
		assertThat(share).as("each replica's share").doesNotContain(0L);
		assertThat(share[0] + share[1] + share[2]).isEqualTo(orders);
		assertThat(sum(outcomeByReplica("duplicate"))).isZero();
		assertThat(redis.opsForStream().size("consumer:dead-letter")).isZero();
	}

	@Test
	@Order(2)
	void claimsTheEntriesOfAKilledReplicaAndEveryOrderReachesOneOutcome() throws Exception {
		int orders = 100_000;
		long[] processedBefore = processedByReplica();
		long[] duplicatesBefore = outcomeByReplica("duplicate");
		int victim = REPLICAS - 1;
		String victimName = consumerName(victim);
		try (StreamPublisher publisher = new StreamPublisher(redisServer.url(), STREAM, orders, 20_000,
				(number) -> order("kill-" + number))) {
			await().atMost(Duration.ofSeconds(60)).until(() -> publisher.sent() >= orders / 3);
			long victimProcessed = processedByReplica()[victim] - processedBefore[victim];

			long killedAt = System.nanoTime();
			replicas.get(victim).close();
			assertThat(replicas.get(victim).waitForExit(Duration.ofSeconds(10))).isNotNull();
			List<String> heldByVictim = pendingOf(victimName);
			await().pollInterval(Duration.ofMillis(50))
				.atMost(CLAIM_MIN_IDLE.plusSeconds(30))
				.until(() -> pending().getPendingMessagesPerConsumer().getOrDefault(victimName, 0L) == 0);
			Duration claimedWithin = Duration.ofNanos(System.nanoTime() - killedAt);

			await().atMost(Duration.ofSeconds(60)).until(publisher::isDone);
			assertThat(publisher.confirmed()).as("XADDs confirmed (%d failed)", publisher.failed()).isEqualTo(orders);
			await().atMost(Duration.ofSeconds(120)).until(() -> missingOrders("kill-", orders) == 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> pending().getTotalPendingMessages() == 0);

			long survivorsProcessed = 0;
			long survivorsDuplicates = 0;
			long[] processedAfter = processedByReplica();
			long[] duplicatesAfter = outcomeByReplica("duplicate");
			for (int i = 0; i < victim; i++) {
				survivorsProcessed += processedAfter[i] - processedBefore[i];
				survivorsDuplicates += duplicatesAfter[i] - duplicatesBefore[i];
			}
			System.out.printf("kill -9 of %s after %d of %d orders sent: it had processed %d and held %d pending; "
					+ "they were claimed within %d ms (claim-min-idle %d s); the survivors processed %d "
					+ "and saw %d duplicates; %d claimed%n", victimName, orders / 3, orders, victimProcessed,
					heldByVictim.size(), claimedWithin.toMillis(), CLAIM_MIN_IDLE.toSeconds(), survivorsProcessed,
					survivorsDuplicates, sum(claimedByReplica()));

			assertThat(heldByVictim).as("entries the victim had read and not acknowledged").isNotEmpty();
			assertThat(claimedWithin).isLessThanOrEqualTo(CLAIM_MIN_IDLE.plusSeconds(5));
			// Every order applied once: by the victim before it died, or by a survivor.
			assertThat(survivorsProcessed).isPositive().isLessThanOrEqualTo(orders - victimProcessed);
			// A duplicate is an entry the victim applied and died before acknowledging.
			assertThat(survivorsDuplicates).isLessThanOrEqualTo(heldByVictim.size());
			assertThat(redis.opsForStream().size("consumer:dead-letter")).isZero();
		}
	}

	private static String consumerName(int index) {
		return "replica-" + (char) ('a' + index);
	}

	private static void addPipelined(String prefix, int count) {
		byte[] key = STREAM.getBytes(StandardCharsets.UTF_8);
		redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (int i = 0; i < count; i++) {
				Map<byte[], byte[]> fields = Map.of("payload".getBytes(StandardCharsets.UTF_8),
						order(prefix + i).getBytes(StandardCharsets.UTF_8));
				connection.streamCommands().xAdd(StreamRecords.rawBytes(fields).withStreamKey(key));
			}
			return null;
		});
	}

	/** How many of the numbered orders have no hash yet, asked with pipelined EXISTS. */
	private static long missingOrders(String prefix, int count) {
		long missing = 0;
		for (int from = 0; from < count; from += 10_000) {
			int first = from;
			int to = Math.min(count, from + 10_000);
			List<Object> exists = redis.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = first; i < to; i++) {
					connection.keyCommands().exists(("orders:" + prefix + i).getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
			missing += exists.stream().filter(Boolean.FALSE::equals).count();
		}
		return missing;
	}

	private static PendingMessagesSummary pending() {
		return redis.opsForStream().pending(STREAM, GROUP);
	}

	private static List<String> pendingOf(String consumer) {
		return redis.opsForStream()
			.pending(STREAM, Consumer.from(GROUP, consumer), Range.unbounded(), 100_000)
			.stream()
			.map((message) -> message.getId().getValue())
			.toList();
	}

	private static long[] processedByReplica() {
		return outcomeByReplica("processed");
	}

	private static long[] outcomeByReplica(String outcome) {
		return meterByReplica("/actuator/metrics/consumer.messages?tag=type:order&tag=outcome:" + outcome);
	}

	private static long[] claimedByReplica() {
		return meterByReplica("/actuator/metrics/consumer.stream.claimed");
	}

	/** A counter of each live replica; 0 for one not registered yet or killed. */
	private static long[] meterByReplica(String path) {
		long[] values = new long[REPLICAS];
		for (int i = 0; i < REPLICAS; i++) {
			if (replicas.get(i).isAlive()) {
				Http.Response response = Http.get(replicas.get(i).port(), path);
				values[i] = (response.status() != 200) ? 0
						: response.json().get("measurements").get(0).get("value").asLong();
			}
		}
		return values;
	}

	private static long sum(long[] values) {
		long sum = 0;
		for (long value : values) {
			sum += value;
		}
		return sum;
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

}
