package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code overflow=block} a slow consumer makes Redis buffer for it: once the subscriber's
 * output buffer passes half of the pub/sub soft limit, readiness turns {@code OUT_OF_SERVICE},
 * before Redis would cut the connection, and it returns once the backlog is read.
 */
@TestPropertySource(properties = { "consumer.channels=backlog", "consumer.concurrency=1", "consumer.queue-capacity=10",
		"consumer.overflow=block", "consumer.overflow-wait=30s" })
// A 1 MiB soft limit (and a 64 MiB hard one) so a few MiB of backlog show the degradation quickly.
@OwnRedisServiceTest(arguments = { "--client-output-buffer-limit", "pubsub 64mb 1mb 600" })
@TestHandlers
class BacklogDegradationIntegrationTests {

	private static volatile boolean slow = true;

	@Autowired
	private ServiceUnderTest service;

	@AfterAll
	static void releaseSlowHandler() {
		slow = false;
	}

	@Test
	void degradesReadinessWhileRedisBuffersForTheSubscriber() {
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(30));
		byte[] channel = "backlog".getBytes(StandardCharsets.UTF_8);
		String padding = "x".repeat(1000);
		for (int batch = 0; batch < 6; batch++) {
			int from = batch * 1000;
			this.service.redis().executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = from; i < from + 1000; i++) {
					connection.publish(channel, ("{\"type\":\"backlog\",\"id\":\"b-" + i + "\",\"pad\":\"" + padding + "\"}")
						.getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
		}
		this.service.awaitHealth("readiness", "OUT_OF_SERVICE", Duration.ofSeconds(15));
		Http.Response consumer = this.service.get("/actuator/health/consumer");
		assertThat(consumer.status()).isEqualTo(503);
		assertThat(consumer.body()).contains("backlogged", "output buffer above half");
		assertThat(this.service.meters().get("consumer.redis.output.buffer").gauge().value()).isGreaterThan(512 * 1024);

		slow = false;
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(30));
		assertThat(this.service.meters().get("consumer.redis.reconnects").counter().count()).isZero();
		assertThat(this.service.meters().find("consumer.overflow").counter().count()).isZero();
	}

	/** The payload of a backlog message. */
	record BacklogMessage(String id) {
	}

	/** 5 ms per message until the test says otherwise. */
	static final MessageHandler<BacklogMessage> BACKLOG = TestHandler.of("backlog", BacklogMessage.class,
			(message, context) -> {
				if (slow) {
					LockSupport.parkNanos(5_000_000);
				}
				return HandlerResult.PROCESSED;
			});

}
