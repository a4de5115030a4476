package io.messageconsumer.source.pubsub;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShardCanaries#canaryFor}: a shard channel's canary falls in its slot, so it lives on the
 * same owner and moves with it, whatever braces the channel's name holds.
 */
class ShardCanariesTests {

	private static final String PREFIX = "consumer:canary:host-1:shard:";

	@ParameterizedTest
	@ValueSource(strings = { "orders", "{tenant-7}.orders", "a{b}c", "a}b", "a{b", "a{}b", "{}", "x{{y}}" })
	void namesACanaryInTheShardChannelsSlot(String shardChannel) {
		String canary = ShardCanaries.canaryFor(shardChannel, PREFIX);

		assertThat(canary).startsWith(PREFIX);
		assertThat(SlotHash.getSlot(canary)).isEqualTo(SlotHash.getSlot(shardChannel));
	}

}
