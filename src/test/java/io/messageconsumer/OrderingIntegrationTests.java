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
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages with the same ordering key run in publish order; different keys run in parallel.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.channels=sequenced", "consumer.concurrency=8",
		"consumer.queue-capacity=100000" })
class OrderingIntegrationTests {

	private static final int KEYS = 50;

	private static final int SEQUENCES = 200;

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Autowired
	private SequenceHandler handler;

	@Test
	void keepsPublishOrderPerKeyWhileKeysRunInParallel() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/consumer").healthStatus()));
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
			this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
				batch.forEach((message) -> connection.publish(channel, message));
				return null;
			});
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> this.handler.total.get() == KEYS * SEQUENCES);
		assertThat(this.handler.seen).hasSize(KEYS);
		this.handler.seen.forEach((key, sequence) -> {
			assertThat(sequence).as(key).hasSize(SEQUENCES);
			for (int i = 1; i < sequence.size(); i++) {
				assertThat(sequence.get(i)).as(key + " at " + i).isGreaterThan(sequence.get(i - 1));
			}
		});
		assertThat(this.handler.threads).as("keys ran on several workers").hasSizeGreaterThan(1);
	}

	/** The payload of a sequenced message. */
	record SequencedMessage(String key, int seq) {
	}

	/** Records, per key, the sequence numbers in the order it sees them. */
	static class SequenceHandler implements MessageHandler<SequencedMessage> {

		final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		final AtomicInteger total = new AtomicInteger();

		@Override
		public String type() {
			return "sequenced";
		}

		@Override
		public Class<SequencedMessage> payloadType() {
			return SequencedMessage.class;
		}

		@Override
		public String orderingKey() {
			return "key";
		}

		@Override
		public HandlerResult handle(SequencedMessage message, MessageContext context) {
			this.seen.computeIfAbsent(message.key(), (key) -> Collections.synchronizedList(new ArrayList<>()))
				.add(message.seq());
			this.threads.add(Thread.currentThread().getName());
			this.total.incrementAndGet();
			return HandlerResult.PROCESSED;
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SequenceHandlerConfiguration {

		@Bean
		SequenceHandler sequenceHandler() {
			return new SequenceHandler();
		}

	}

}
