package io.messageconsumer.source.pubsub;

import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.types.RedisClientInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShardCheck} on a standalone Redis: the shard subscriptions the server counts for this
 * instance's connections, against the configured shard channels.
 */
class ShardCheckTests {

	private final RedisClient client = RedisClient.create();

	private final ShardTopology standalone = new ShardTopology(this.client);

	@AfterEach
	void shutDown() {
		this.client.shutdown();
	}

	@Test
	void holdsEveryShardChannel() {
		ShardCheck check = ShardCheck.of("me", List.of("a", "b"), this.standalone,
				List.of(client("me", 1, 0), client("me", 0, 2), client("other", 0, 5)));

		assertThat(check.problem()).isNull();
		assertThat(check.byNode()).containsExactly(Map.entry("redis", "2/2"));
		assertThat(check.missingOn()).isEmpty();
	}

	@Test
	void reportsAShardChannelTheServerDoesNotHold() {
		ShardCheck check = ShardCheck.of("me", List.of("a", "b"), this.standalone,
				List.of(client("me", 1, 0), client("me", 0, 1), client("other", 0, 2)));

		assertThat(check.problem()).isEqualTo("shard channels not all subscribed on their slot owners: redis 1/2");
		// The subscriber is told, to subscribe them again.
		assertThat(check.missingOn()).containsExactly("redis");
	}

	@Test
	void reportsAShardChannelHeldTwiceWhichWouldDeliverTwice() {
		ShardCheck check = ShardCheck.of("me", List.of("a"), this.standalone,
				List.of(client("me", 0, 1), client("me", 0, 1)));

		assertThat(check.problem()).contains("redis 2/1");
		// Subscribing again would not help: nothing is missing.
		assertThat(check.missingOn()).isEmpty();
	}

	@Test
	void checksNothingWithoutShardChannels() {
		assertThat(ShardCheck.of("me", List.of(), this.standalone, List.of())).isSameAs(ShardCheck.NONE);
	}

	private static RedisClientInfo client(String name, int sub, int ssub) {
		return RedisClientInfo.RedisClientInfoBuilder.fromString(
				"id=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 name=" + name + " sub=" + sub + " psub=0 ssub=" + ssub);
	}

}
