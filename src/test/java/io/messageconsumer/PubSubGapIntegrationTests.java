package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub loss made visible: 100,000 messages numbered 1 to 100,000 by one source, published
 * pipelined at a steady 40,000 msg/s while the subscriber is cut twice ({@code CLIENT KILL TYPE
 * pubsub}); once everything settled, {@code consumer.pubsub.gaps{source}} equals what was
 * published minus what reached an outcome, and is not zero.
 */
@TestPropertySource(properties = { "consumer.channels=gaps", "consumer.queue-capacity=200000" })
@ExtendWith(OutputCaptureExtension.class)
@OwnRedisServiceTest
@TestHandlers
class PubSubGapIntegrationTests {

	private static final int MESSAGES = 100_000;

	private static final int PER_SECOND = 40_000;

	private static final String SOURCE = "gap-test-publisher";

	private static RedisServerProcess redisServer;

	@Autowired
	private ServiceUnderTest service;

	@Autowired
	private MessageDispatcher dispatcher;

	@Test
	void countsEveryMessageLostToDisconnectsAsAGap(CapturedOutput output) {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		double reconnectsBefore = reconnects();
		List<Long> killedAt = new ArrayList<>();
		List<Long> killed = new ArrayList<>();
		SequencedPublisher publisher = new SequencedPublisher(redisServer.url());
		RedisClient admin = RedisClient.create(RedisURI.create(redisServer.url()));
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			new Thread(publisher, "gap-publisher").start();
			for (long killAt : new long[] { 30_000, 65_000 }) {
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
					.until(() -> publisher.sent.get() >= killAt);
				killed.add(connection.sync().clientKill(KillArgs.Builder.typePubsub()));
				killedAt.add(publisher.sent.get());
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
					.until(() -> connection.sync().pubsubNumsub("gaps").getOrDefault("gaps", 0L) >= 1);
			}
		}
		finally {
			admin.shutdown();
		}
		assertThat(killed).containsExactly(1L, 1L);
		assertThat(killedAt).allMatch((sent) -> sent < MESSAGES);
		await().atMost(Duration.ofSeconds(60)).until(() -> publisher.answered.get() == MESSAGES);
		// Settled: the last message was read (one connection reads in publish order, so every earlier one
		// was read or lost before it), whatever reached the service has its outcome, and nothing is buffered.
		await().atMost(Duration.ofSeconds(60)).until(() -> highest.get() == MESSAGES);
		await().atMost(Duration.ofSeconds(60)).until(() -> outcomes() == received() && this.dispatcher.queueDepth() == 0
				&& this.dispatcher.inFlight() == 0);
		double outcomes = outcomes();
		double gaps = this.service.meters().get("consumer.pubsub.gaps").tag("source", SOURCE).counter().count();
		System.out.printf("Gap accounting: %d published at %d/s (%.0f/s achieved), subscriber killed at %s; Redis "
				+ "delivered to nobody %d (PUBLISH answered 0); outcomes %.0f; consumer.pubsub.gaps %.0f; reconnects "
				+ "counted %.0f%n", MESSAGES, PER_SECOND, MESSAGES * 1e9 / publisher.nanos, killedAt,
				publisher.unheard.get(), outcomes, gaps, reconnects() - reconnectsBefore);
		assertThat(gaps).isEqualTo(MESSAGES - outcomes);
		assertThat(gaps).isGreaterThan(0);
		// Messages Redis sent to nobody are part of the loss; the rest died in the killed connection's buffer.
		assertThat(gaps).isGreaterThanOrEqualTo(publisher.unheard.get());
		assertThat(reconnects() - reconnectsBefore).isGreaterThanOrEqualTo(2);
		assertThat(output.getOut()).containsPattern("Pub/sub subscriber disconnected from .*; its output buffer was "
				+ "last seen at \\d+ bytes");
	}

	private double outcomes() {
		return this.service.counter("consumer.messages", "type", "gap");
	}

	private double received() {
		return this.service.counter("consumer.messages.received", "source", "pubsub", "channel", "gaps");
	}

	private double reconnects() {
		return this.service.reconnects("pubsub");
	}

	/** Publishes 1 to {@link #MESSAGES} at {@link #PER_SECOND}, pipelined, in 1 ms ticks. */
	static final class SequencedPublisher implements Runnable {

		final AtomicLong sent = new AtomicLong();

		final AtomicLong answered = new AtomicLong();

		final AtomicLong unheard = new AtomicLong();

		volatile long nanos;

		private final String url;

		SequencedPublisher(String url) {
			this.url = url;
		}

		@Override
		public void run() {
			RedisClient client = RedisClient.create(RedisURI.create(this.url));
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				connection.setAutoFlushCommands(false);
				RedisAsyncCommands<String, String> commands = connection.async();
				long started = System.nanoTime();
				long next = 1;
				while (next <= MESSAGES) {
					long due = Math.min(MESSAGES, (System.nanoTime() - started) * PER_SECOND / 1_000_000_000L + 1);
					for (; next <= due; next++) {
						String message = "{\"type\":\"gap\",\"id\":\"g-" + next + "\",\"seq\":" + next
								+ ",\"source\":\"" + SOURCE + "\"}";
						commands.publish("gaps", message).whenComplete((receivers, ex) -> {
							if (ex != null || receivers == 0) {
								this.unheard.incrementAndGet();
							}
							this.answered.incrementAndGet();
						});
					}
					connection.flushCommands();
					this.sent.set(next - 1);
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
				this.nanos = System.nanoTime() - started;
				await().atMost(Duration.ofSeconds(60)).until(() -> this.answered.get() == MESSAGES);
			}
			finally {
				client.shutdown();
			}
		}

	}

	/** The payload of a gap-test message. */
	record GapMessage(String id) {
	}

	/** The highest number handled. */
	private static final AtomicLong highest = new AtomicLong();

	/** Remembers the highest number handled; the test counts outcomes from the meters. */
	static final MessageHandler<GapMessage> GAP = TestHandler.of("gap", GapMessage.class, (message, context) -> {
		highest.accumulateAndGet(Long.parseLong(message.id().substring(2)), Math::max);
		return HandlerResult.PROCESSED;
	});

}
