package io.messageconsumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.RespPipe;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under overload the connection's thread keeps reading at full speed: what does not fit is
 * dead-lettered as {@code overflow}, nothing is lost, and Redis never cuts the reader off. The
 * dead-letter buffer is the smallest allowed (2 MB, a few thousand entries), so a burst fills it
 * and the reader waits for the writer instead of dropping dead letters.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.channels=burst", "consumer.queue-capacity=100",
		"consumer.dead-letter.stream=overflow-test:dead-letter", "consumer.dead-letter.max-length=1000000",
		"consumer.dead-letter.buffer-size=2MB" })
@TestHandlers
class OverflowIntegrationTests {

	private static final int MESSAGES = 20_000;

	@Autowired
	private ServiceUnderTest service;

	@Autowired
	private LettuceConnectionFactory connectionFactory;

	@Test
	void deadLettersWhatDoesNotFitAndLosesNothing() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		List<String> subscribersBefore = subscriberIds();
		byte[] channel = "burst".getBytes(StandardCharsets.UTF_8);
		long started = System.nanoTime();
		// 20,000 messages at 20,000 msg/s: 200 every 10 ms.
		for (int sent = 0; sent < MESSAGES; sent += 200) {
			int from = sent;
			this.service.redis().executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = from; i < from + 200; i++) {
					connection.publish(channel, ("{\"type\":\"slow\",\"id\":\"s-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
			LockSupport.parkNanos(started + (sent + 200L) * 50_000L - System.nanoTime());
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> received() == MESSAGES
				&& processed() + overflowed() == MESSAGES);
		double overflowed = overflowed();
		System.out.printf("Overflow burst: received %.0f, processed %.0f, overflowed %.0f%n", received(), processed(),
				overflowed);
		assertThat(overflowed).isPositive();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.service.probe().deadLetters("overflow-test:dead-letter", "burst").size() == overflowed);
		assertThat(this.service.probe().entries("overflow-test:dead-letter"))
			.allSatisfy((entry) -> assertThat(entry).containsEntry("reason", "overflow"));
		assertThat(this.service.meters().get("consumer.redis.reconnects").counter().count()).isZero();
		assertThat(subscriberIds()).as("the subscriber connection was never cut").isEqualTo(subscribersBefore);
		assertThat(this.service.meters().get("consumer.dead.letters.dropped").counter().count()).isZero();
	}

	@Test
	void burstThatOutrunsTheWriterDropsNoDeadLetter() throws IOException {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		double receivedBefore = received();
		double handledBefore = processed() + overflowed();
		double overflowedBefore = overflowed();
		long deadLettersBefore = deadLetterStreamLength();
		int burst = 100_000;
		// Written in one go, as redis-cli --pipe does: far faster than the lanes (about 1 ms a message) take them.
		RespPipe.publish(this.connectionFactory.getHostName(), this.connectionFactory.getPort(), "burst", burst, (i) -> "{\"type\":\"slow\",\"id\":\"b-" + i + "\"}");
		await().atMost(Duration.ofSeconds(120)).until(() -> received() - receivedBefore == burst
				&& processed() + overflowed() - handledBefore == burst);
		long overflowed = (long) (overflowed() - overflowedBefore);
		await().atMost(Duration.ofSeconds(60)).until(() -> deadLetterStreamLength() - deadLettersBefore == overflowed);
		System.out.printf("Burst of %d: overflowed %d, dead letters written %d, dropped %.0f%n", burst, overflowed,
				deadLetterStreamLength() - deadLettersBefore,
				this.service.meters().get("consumer.dead.letters.dropped").counter().count());
		assertThat(overflowed).isGreaterThan(burst / 2);
		assertThat(this.service.meters().get("consumer.dead.letters.dropped").counter().count()).isZero();
	}

	private long deadLetterStreamLength() {
		Long length = this.service.redis().opsForStream().size("overflow-test:dead-letter");
		return (length != null) ? length : 0;
	}

	private List<String> subscriberIds() {
		return this.service.redis().execute((RedisCallback<List<String>>) (connection) -> connection.serverCommands()
			.getClientList()
			.stream()
			.filter((client) -> client.getChannelSubscribtions() != null && client.getChannelSubscribtions() > 0)
			.map((client) -> client.get("id"))
			.toList());
	}

	private double received() {
		return this.service.counter("consumer.messages.received", "channel", "burst");
	}

	private double processed() {
		return this.service.messages("slow", "processed");
	}

	private double overflowed() {
		return this.service.counter("consumer.overflow", "policy", "dead_letter");
	}

	/** The payload of a slow message. */
	record SlowMessage(String id) {
	}

	/** A handler that takes about 1 ms per message. */
	static final MessageHandler<SlowMessage> SLOW = TestHandler.of("slow", SlowMessage.class, (message, context) -> {
		LockSupport.parkNanos(1_000_000);
		return HandlerResult.PROCESSED;
	});

}
