package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RatePublisher;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis killed with SIGKILL and started again ten times while a publisher sends 2,000 msg/s:
 * each time the service is subscribed again within 5 s, every message Redis delivered to it is
 * processed (but for at most one per kill that Redis answered and then died holding), and the
 * reconnects are counted.
 */
@TestPropertySource(properties = { "consumer.channels=faults", "consumer.queue-capacity=100000" })
@OwnRedisServiceTest
@TestHandlers
class RedisKillStormIntegrationTests {

	private static final int RESTARTS = 10;

	private static final Duration RESUBSCRIBE_WITHIN = Duration.ofSeconds(5);

	private static RedisServerProcess redisServer;

	@Autowired
	private ServiceUnderTest service;

	@Test
	void resubscribesAfterEveryRestartAndProcessesEverythingDelivered() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		double reconnectsBefore = reconnects();
		List<Long> resubscribeMillis = new ArrayList<>();
		try (RatePublisher publisher = new RatePublisher(redisServer.url(), "faults", 2000,
				(number) -> "{\"type\":\"fault\",\"id\":\"f-" + number + "\"}")) {
			for (int restart = 0; restart < RESTARTS; restart++) {
				long deliveredBefore = publisher.delivered().size();
				// Let traffic flow while subscribed before the next crash.
				await().atMost(Duration.ofSeconds(10)).until(() -> publisher.delivered().size() >= deliveredBefore + 1000);
				redisServer.kill();
				redisServer.restart();
				long restartedAt = System.nanoTime();
				await().atMost(RESUBSCRIBE_WITHIN).pollInterval(Duration.ofMillis(20)).until(this::subscribed);
				resubscribeMillis.add((System.nanoTime() - restartedAt) / 1_000_000);
				assertThat(this.service.health("liveness")).isEqualTo("UP");
			}
			long deliveredBefore = publisher.delivered().size();
			await().atMost(Duration.ofSeconds(10)).until(() -> publisher.delivered().size() >= deliveredBefore + 1000);
			publisher.close();
			Set<Long> delivered = publisher.delivered();
			System.out.printf("Redis killed %d times under 2k msg/s: resubscribed after %s ms; %d published, "
					+ "%d delivered by Redis%n", RESTARTS, resubscribeMillis, publisher.published(), delivered.size());
			// A SIGKILL can land after Redis answered a PUBLISH and before it wrote the message to the
			// subscriber's socket (both wait in its buffers for the same event-loop turn): that message
			// dies with Redis although PUBLISH said it was delivered. Seen: 0 in most runs, 1 under load.
			// More than one per kill would be the service losing messages.
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(missing(delivered)).hasSizeLessThanOrEqualTo(RESTARTS));
			System.out.printf("Delivered by Redis but lost with a SIGKILL before it reached the subscriber: %s%n",
					missing(delivered));
		}
		assertThat(reconnects() - reconnectsBefore).isGreaterThanOrEqualTo(RESTARTS);
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
	}

	private Set<Long> missing(Set<Long> delivered) {
		Set<Long> missing = new HashSet<>(delivered);
		missing.removeAll(processed);
		return missing;
	}

	private boolean subscribed() {
		try {
			String[] reply = redisServer.cli("PUBSUB", "NUMSUB", "faults").split("\\s+");
			return reply.length == 2 && Integer.parseInt(reply[1]) >= 1;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private double reconnects() {
		return this.service.reconnects("pubsub");
	}

	/** The payload of a fault-test message. */
	record FaultMessage(String id) {
	}

	/** The numbers handled. */
	private static final Set<Long> processed = ConcurrentHashMap.newKeySet();

	/** Remembers the number of every message it handles. */
	static final MessageHandler<FaultMessage> FAULT = TestHandler.of("fault", FaultMessage.class, (message, context) -> {
		processed.add(Long.parseLong(message.id().substring(2)));
		return HandlerResult.PROCESSED;
	});

}
