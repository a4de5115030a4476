package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisSentinelProcesses;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Sentinel contract over streams; and a {@code SENTINEL FAILOVER} while entries flow, after
 * which the readers move to the new master by themselves and every entry the new master holds is
 * handled (its order stored there) and acknowledged: no acknowledged work is lost with the old
 * master.
 */
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=orders-stream",
		"consumer.streams.block=200ms", "consumer.streams.claim-min-idle=2s", "consumer.retry.max-attempts=10" })
class StreamSentinelContractTests extends SentinelContractTests {

	private static final String STREAM = "orders-stream";

	private static final String GROUP = "message-consumer";

	@Override
	protected Source source() {
		return Source.stream(GROUP);
	}

	@Override
	protected boolean readsOn(RedisServerProcess server) {
		return server.cli("CLIENT", "LIST").lines().anyMatch((line) -> line.contains("cmd=xreadgroup"));
	}

	@Test
	void followsAFailoverAndHandlesEveryEntryTheNewMasterHolds() {
		RedisSentinelProcesses sentinel = sentinel();
		this.service.awaitReady(Duration.ofSeconds(30));
		String run = UUID.randomUUID().toString();
		// Entries added at about 500/s, through the Sentinel, the whole time.
		EntryAdder steady = new EntryAdder(sentinel.sentinelUrl(), run + "-steady");
		EntryAdder onNewMaster = null;
		RedisServerProcess newMaster;
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> steady.added() >= 500);
			long failoverAt = System.nanoTime();
			newMaster = sentinel.failover();
			// Entries added straight to the new master from the moment it is named.
			onNewMaster = new EntryAdder(newMaster.url(), run + "-new");
			RedisServerProcess promoted = newMaster;
			await().atMost(Duration.ofSeconds(30)).until(() -> readsOn(promoted));
			long movedAt = System.nanoTime();
			this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
			System.out.printf("Stream failover: readers on the new master after %d ms%n",
					TimeUnit.NANOSECONDS.toMillis(movedAt - failoverAt));
			long mark = onNewMaster.added();
			EntryAdder adder = onNewMaster;
			await().atMost(Duration.ofSeconds(10)).until(() -> adder.added() >= mark + 500);
		}
		finally {
			steady.close();
			if (onNewMaster != null) {
				onNewMaster.close();
			}
		}
		RedisClient client = RedisClient.create(newMaster.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			List<StreamMessage<String, String>> entries = commands.xrange(STREAM, io.lettuce.core.Range.create("-", "+"));
			List<String> keys = new ArrayList<>();
			for (StreamMessage<String, String> entry : entries) {
				String payload = entry.getBody().get("payload");
				keys.add("orders:" + payload.substring(payload.indexOf("\"id\":\"") + 6, payload.lastIndexOf('"')));
			}
			assertThat(entries).as("entries on the new master").hasSizeGreaterThanOrEqualTo(1_000);
			// Every entry the new master holds was handled there and acknowledged there.
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(keys)
				.as("orders of entries on the new master not written (group %s, pending %s)", groupInfo(commands),
						commands.xpending(STREAM, GROUP))
				.filteredOn((key) -> commands.exists(key) == 0)
				.isEmpty());
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				PendingMessages pending = commands.xpending(STREAM, GROUP);
				return pending.getCount() == 0;
			});
			Map<String, String> info = groupInfo(commands);
			System.out.printf("Stream failover: %d entries on the new master, all handled; %d added through the "
					+ "Sentinel, %d straight to the new master; group %s%n", entries.size(), steady.added(),
					onNewMaster.added(), info);
		}
		finally {
			client.shutdown();
		}
	}

	private static Map<String, String> groupInfo(RedisCommands<String, String> commands) {
		List<Object> groups = commands.xinfoGroups(STREAM);
		Map<String, String> info = new java.util.LinkedHashMap<>();
		if (!groups.isEmpty() && groups.get(0) instanceof List<?> fields) {
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				info.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
			}
		}
		return info;
	}

	/** Adds order entries ({@code XADD orders-stream * payload ...}) at about 500/s until closed. */
	private static final class EntryAdder implements AutoCloseable {

		private final RedisClient client;

		private final Thread thread;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong added = new AtomicLong();

		EntryAdder(String url, String prefix) {
			this.client = RedisClient.create(url);
			this.thread = new Thread(() -> run(prefix), "entry-adder");
			this.thread.start();
		}

		private void run(String prefix) {
			try (StatefulRedisConnection<String, String> connection = this.client.connect()) {
				connection.setTimeout(Duration.ofSeconds(2));
				long number = 0;
				while (this.running.get()) {
					try {
						connection.sync()
							.xadd(STREAM, "payload", "{\"type\":\"order\",\"id\":\"" + prefix + "-" + number + "\"}");
						this.added.incrementAndGet();
						number++;
					}
					catch (RuntimeException ex) {
						// Redis moving under us: the next one goes to wherever the client reconnected.
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
				}
			}
			catch (RuntimeException ex) {
				// could not connect at all: added() stays where it is and the test says so
			}
		}

		long added() {
			return this.added.get();
		}

		@Override
		public void close() {
			this.running.set(false);
			try {
				this.thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.client.shutdown();
		}

	}

}
