package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;


import io.messageconsumer.support.Orders;
import io.messageconsumer.support.OwnRedisServiceTest;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.SourceContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis killed and started again under a running service, for every source
 * ({@link PubSubRedisRestartContractTests}, {@link StreamRedisRestartContractTests}): health
 * follows, consumption resumes, the reconnect is counted.
 */
@OwnRedisServiceTest
abstract class RedisRestartContractTests extends SourceContract {

	protected static RedisServerProcess redisServer;

	@Test
	void healthFollowsRedisAndConsumptionResumesAfterRestart() {
		this.service.awaitReady(Duration.ofSeconds(30));
		double reconnectsBefore = this.service.reconnects(source().mode());

		redisServer.kill();
		long killedAt = System.nanoTime();
		this.service.awaitHealth("consumer", "DOWN", Duration.ofSeconds(15));
		this.service.awaitHealth("readiness", "DOWN", Duration.ofSeconds(15));
		assertThat(this.service.health("liveness")).isEqualTo("UP");
		Duration toDown = Duration.ofNanos(System.nanoTime() - killedAt);

		redisServer.restart();
		long restartedAt = System.nanoTime();
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(30));
		Duration toUp = Duration.ofNanos(System.nanoTime() - restartedAt);
		String label = "pubsub".equals(source().mode()) ? "Redis restart" : "Redis restart (" + source().mode() + ")";
		System.out.printf("%s: consumer DOWN after %d ms, UP %d ms after Redis returned%n", label, toDown.toMillis(),
				toUp.toMillis());

		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			String id = Orders.uniqueId("restart");
			ids.add(id);
			publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(ids).allSatisfy((id) -> assertThat(this.service.hasOrder(id)).isTrue()));
		assertThat(this.service.reconnects(source().mode())).isGreaterThan(reconnectsBefore);
	}

}
