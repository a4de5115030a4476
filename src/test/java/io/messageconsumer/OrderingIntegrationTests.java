package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages with the same ordering key run in publish order; different keys run in parallel.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.channels=sequenced", "consumer.concurrency=8",
		"consumer.queue-capacity=100000" })
@TestHandlers
class OrderingIntegrationTests {

	private static final int KEYS = 50;

	private static final int SEQUENCES = 200;

	@Autowired
	private ServiceUnderTest service;

	@Test
	void keepsPublishOrderPerKeyWhileKeysRunInParallel() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		List<byte[]> messages = new ArrayList<>();
		for (int seq = 1; seq <= SEQUENCES; seq++) {
			for (int key = 0; key < KEYS; key++) {
				messages.add(("{\"type\":\"sequenced\",\"key\":\"k" + key + "\",\"seq\":" + seq + "}")
					.getBytes(StandardCharsets.UTF_8));
			}
		}
		byte[] channel = "sequenced".getBytes(StandardCharsets.UTF_8);
		for (int from = 0; from < messages.size(); from += 500) {
			List<byte[]> batch = messages.subList(from, Math.min(messages.size(), from + 500));
			this.service.redis().executePipelined((RedisCallback<Object>) (connection) -> {
				batch.forEach((message) -> connection.publish(channel, message));
				return null;
			});
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> total.get() == KEYS * SEQUENCES);
		assertThat(seen).hasSize(KEYS);
		seen.forEach((key, sequence) -> {
			assertThat(sequence).as(key).hasSize(SEQUENCES);
			for (int i = 1; i < sequence.size(); i++) {
				assertThat(sequence.get(i)).as(key + " at " + i).isGreaterThan(sequence.get(i - 1));
			}
		});
		assertThat(threads).as("keys ran on several workers").hasSizeGreaterThan(1);
	}

	/** The payload of a sequenced message. */
	record SequencedMessage(String key, int seq) {
	}

	/** Per key, the sequence numbers in the order the handler saw them. */
	private static final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();

	private static final Set<String> threads = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger total = new AtomicInteger();

	/** Records, per key, the sequence numbers in the order it sees them. */
	static final MessageHandler<SequencedMessage> SEQUENCE = TestHandler.of("sequenced", SequencedMessage.class, "key",
			(message, context) -> {
				seen.computeIfAbsent(message.key(), (key) -> Collections.synchronizedList(new ArrayList<>()))
					.add(message.seq());
				threads.add(Thread.currentThread().getName());
				total.incrementAndGet();
				return HandlerResult.PROCESSED;
			});

}
