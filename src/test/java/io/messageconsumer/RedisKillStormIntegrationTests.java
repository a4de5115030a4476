package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RatePublisher;
import io.messageconsumer.support.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis killed with SIGKILL and started again ten times while a publisher sends 2,000 msg/s:
 * each time the service is subscribed again within 5 s, every message Redis delivered to it is
 * processed (but for at most one per kill that Redis answered and then died holding), and the
 * reconnects are counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.channels=faults", "consumer.queue-capacity=100000" })
@DirtiesContext
@OwnRedisServer
class RedisKillStormIntegrationTests {

	private static final int RESTARTS = 10;

	private static final Duration RESUBSCRIBE_WITHIN = Duration.ofSeconds(5);

	private static RedisServerProcess redisServer;

	@Autowired
	private FaultHandler handler;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@Test
	void resubscribesAfterEveryRestartAndProcessesEverythingDelivered() {
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
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
				assertThat(Http.get(this.port, "/actuator/health/liveness").healthStatus()).isEqualTo("UP");
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
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "consumer")));
	}

	private Set<Long> missing(Set<Long> delivered) {
		Set<Long> missing = new HashSet<>(delivered);
		missing.removeAll(this.handler.processed);
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
		return this.meters.get("consumer.redis.reconnects").tag("source", "pubsub").counter().count();
	}

	/** The payload of a fault-test message. */
	record FaultMessage(String id) {
	}

	/** Remembers the number of every message it handles. */
	static class FaultHandler implements MessageHandler<FaultMessage> {

		final Set<Long> processed = ConcurrentHashMap.newKeySet();

		@Override
		public String type() {
			return "fault";
		}

		@Override
		public Class<FaultMessage> payloadType() {
			return FaultMessage.class;
		}

		@Override
		public HandlerResult handle(FaultMessage message, MessageContext context) {
			this.processed.add(Long.parseLong(message.id().substring(2)));
			return HandlerResult.PROCESSED;
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FaultHandlerConfiguration {

		@Bean
		FaultHandler faultHandler() {
			return new FaultHandler();
		}

	}

}
