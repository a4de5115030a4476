package io.messageconsumer.source.pubsub;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShardChannelStates#problem}: what health says, live, while a shard channel is not
 * subscribed, naming a configured channel before a canary and the node that dropped it.
 */
class ShardChannelStatesTests {

	private final ShardChannelStates states = new ShardChannelStates();

	@Test
	void namesTheFirstChannelNotSubscribedYetAtStart() {
		this.states.start(List.of("orders", "canary-of-orders"));

		assertThat(this.states.problem()).isEqualTo("shard channel orders (and 1 more) not subscribed yet");
	}

	@Test
	void hasNoProblemOnceEveryChannelIsConfirmed() {
		this.states.start(List.of("orders", "canary-of-orders"));
		this.states.confirmed("orders", 0);
		this.states.confirmed("canary-of-orders", 0);

		assertThat(this.states.problem()).isNull();
	}

	@Test
	void namesTheNodeThatDroppedAChannelUntilItIsConfirmedAgain() {
		this.states.start(List.of("orders", "canary-of-orders"));
		this.states.confirmed("orders", 0);
		this.states.confirmed("canary-of-orders", 0);

		this.states.dropped("canary-of-orders", "127.0.0.1:7001");
		this.states.dropped("orders", "127.0.0.1:7001");
		assertThat(this.states.problem()).isEqualTo("shard channel orders (and 1 more) dropped by 127.0.0.1:7001 "
				+ "(its slot moved): subscribing it again on the slot's owner");

		// Confirmed by an attempt begun before the drop: still pending.
		assertThat(this.states.confirmed("orders", 0)).isFalse();
		assertThat(this.states.confirmed("orders", 1)).isTrue();
		assertThat(this.states.problem()).startsWith("shard channel canary-of-orders dropped by 127.0.0.1:7001");
		assertThat(this.states.confirmed("canary-of-orders", 1)).isTrue();
		assertThat(this.states.problem()).isNull();
	}

	@Test
	void namesTheOwnerThatLostASubscribedChannelWithoutAPush() {
		this.states.start(List.of("orders"));
		// Not subscribed yet: nothing to lose, the subscribing path has it already.
		assertThat(this.states.lost("orders", "127.0.0.1:7002")).isFalse();
		this.states.confirmed("orders", 0);

		assertThat(this.states.lost("orders", "127.0.0.1:7002")).isTrue();

		assertThat(this.states.isSubscribed("orders")).isFalse();
		assertThat(this.states.droppedBy("orders")).isEqualTo("127.0.0.1:7002");
		assertThat(this.states.problem()).isEqualTo("shard channel orders lost on 127.0.0.1:7002 (it does not answer, "
				+ "or does not hold it): subscribing it again on the slot's owner");
	}

}
