package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code overflow=block} a slow consumer makes Redis buffer for it: once the subscriber's
 * output buffer passes half of the pub/sub soft limit, readiness turns {@code OUT_OF_SERVICE},
 * before Redis would cut the connection, and it returns once the backlog is read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "consumer.channels=backlog", "consumer.concurrency=1", "consumer.queue-capacity=10",
				"consumer.overflow=block", "consumer.overflow-wait=30s" })
@DirtiesContext
// A 1 MiB soft limit (and a 64 MiB hard one) so a few MiB of backlog show the degradation quickly.
@OwnRedisServer(arguments = { "--client-output-buffer-limit", "pubsub 64mb 1mb 600" })
class BacklogDegradationIntegrationTests {

	private static volatile boolean slow = true;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@AfterAll
	static void releaseSlowHandler() {
		slow = false;
	}

	@Test
	void degradesReadinessWhileRedisBuffersForTheSubscriber() {
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "readiness")));
		byte[] channel = "backlog".getBytes(StandardCharsets.UTF_8);
		String padding = "x".repeat(1000);
		for (int batch = 0; batch < 6; batch++) {
			int from = batch * 1000;
			this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = from; i < from + 1000; i++) {
					connection.publish(channel, ("{\"type\":\"backlog\",\"id\":\"b-" + i + "\",\"pad\":\"" + padding + "\"}")
						.getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> "OUT_OF_SERVICE".equals(Http.health(this.port, "readiness")));
		Http.Response consumer = Http.get(this.port, "/actuator/health/consumer");
		assertThat(consumer.status()).isEqualTo(503);
		assertThat(consumer.body()).contains("backlogged", "output buffer above half");
		assertThat(this.meters.get("consumer.redis.output.buffer").gauge().value()).isGreaterThan(512 * 1024);

		slow = false;
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(Http.health(this.port, "readiness")));
		assertThat(this.meters.get("consumer.redis.reconnects").counter().count()).isZero();
		assertThat(this.meters.find("consumer.overflow").counter().count()).isZero();
	}

	/** The payload of a backlog message. */
	record BacklogMessage(String id) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SlowHandlerConfiguration {

		/** 5 ms per message until the test says otherwise. */
		@Bean
		MessageHandler<BacklogMessage> backlogHandler() {
			return new MessageHandler<>() {

				@Override
				public String type() {
					return "backlog";
				}

				@Override
				public Class<BacklogMessage> payloadType() {
					return BacklogMessage.class;
				}

				@Override
				public HandlerResult handle(BacklogMessage message, MessageContext context) {
					if (slow) {
						LockSupport.parkNanos(5_000_000);
					}
					return HandlerResult.PROCESSED;
				}

			};
		}

	}

}
