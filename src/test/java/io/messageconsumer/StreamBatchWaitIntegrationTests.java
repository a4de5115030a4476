package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code consumer.streams.batch-wait}: entries added one at a time, a little apart, are read in a
 * few fuller batches rather than one {@code XREADGROUP} each (as Redis's own command statistics
 * count them), and every one is still handled and acknowledged.
 */
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=" + StreamBatchWaitIntegrationTests.STREAM,
		"consumer.streams.group=workers", "consumer.streams.consumer-name=batch-a", "consumer.streams.block=2s",
		"consumer.streams.batch-wait=100ms" })
@OwnRedisServiceTest
class StreamBatchWaitIntegrationTests {

	static final String STREAM = "trickle-stream";

	private static final int ENTRIES = 50;

	private static final Pattern CALLS = Pattern.compile("cmdstat_xreadgroup:calls=(\\d+)");

	@Autowired
	private ServiceUnderTest service;

	private RedisServerProcess redisServer;

	@Test
	void readsEntriesAddedOneByOneInAFewBatches() {
		this.service.awaitReady(Duration.ofSeconds(30));
		String first = Orders.uniqueId("trickle");
		add(first);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(first) && pending() == 0);
		long readsBefore = reads();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < ENTRIES; i++) {
			String id = Orders.uniqueId("trickle");
			ids.add(id);
			add(id); // one XADD, one round trip, each: the entries trickle in
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(this.service::hasOrder) && pending() == 0);
		// Each XADD wakes a blocked read; without the wait about one read per entry. The reads that
		// only waited out the block time (2 s each) and one that was already waiting are within the bound.
		assertThat(reads() - readsBefore).isLessThanOrEqualTo(10);
	}

	private void add(String id) {
		this.service.redis().opsForStream().add(STREAM, Map.of("payload", Orders.order(id)));
	}

	private long pending() {
		return this.service.redis().opsForStream().pending(STREAM, "workers").getTotalPendingMessages();
	}

	private long reads() {
		Matcher calls = CALLS.matcher(this.redisServer.cli("INFO", "commandstats"));
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

}
