package io.messageconsumer;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.messageconsumer.support.ClassResource;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisSentinelProcesses;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.SourceContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service behind Redis Sentinel ({@code spring.data.redis.sentinel.*}), for every source
 * ({@link PubSubSentinelContractTests}, {@link StreamSentinelContractTests}): it consumes from the
 * master the Sentinel names. Each test class gets a master, replica and Sentinel of its own
 * ({@link RedisSentinelProcesses}), started when its context is loaded and stopped after it; the
 * subclasses add how their source follows a {@code SENTINEL FAILOVER}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServiceUnderTest.class)
@DirtiesContext
abstract class SentinelContractTests extends SourceContract {

	@RegisterExtension
	static final ClassResource<RedisSentinelProcesses> sentinel = new ClassResource<>(RedisSentinelProcesses::start);

	/**
	 * Whether the source reads from that server: a subscriber or stream reader of this service
	 * is connected to it.
	 * @param server a Redis server
	 * @return {@code true} when it reads there
	 */
	protected abstract boolean readsOn(RedisServerProcess server);

	/**
	 * The test class's Sentinel set-up, started on first use.
	 * @return the set-up
	 */
	protected static RedisSentinelProcesses sentinel() {
		return sentinel.get();
	}

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.sentinel.master", () -> RedisSentinelProcesses.MASTER_NAME);
		registry.add("spring.data.redis.sentinel.nodes", () -> sentinel().sentinelNodes());
	}

	@Test
	void consumesFromTheMasterTheSentinelNames() {
		this.service.awaitReady(Duration.ofSeconds(30));
		RedisServerProcess master = sentinel().master();
		await().atMost(Duration.ofSeconds(10)).until(() -> readsOn(master));
		String id = Orders.uniqueId("sentinel");
		// The order as the subclasses' publishers write theirs: the id is the payload's last string.
		publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "received".equals(master.cli("HGET", "orders:" + id, "status")));
		awaitSettled("orders");
		assertThat(this.service.health("readiness")).isEqualTo("UP");
	}

}
