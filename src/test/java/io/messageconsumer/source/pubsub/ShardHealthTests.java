package io.messageconsumer.source.pubsub;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShardHealth}: a shard channel the subscriber does not hold now is a problem at once, before
 * any check of the slot owners has run, and no longer one once it is subscribed again.
 */
class ShardHealthTests {

	private final AtomicReference<String> unsubscribed = new AtomicReference<>();

	/** On a standalone Redis, without shard channels to check: only the subscriber's live state counts. */
	private final ShardHealth health = new ShardHealth(List.of(), new ShardTopology(null),
			new ShardCanaries(List.of(), "host-1", null, null, (channel) -> true, null), this.unsubscribed::get,
			(nodes) -> {
			});

	@Test
	void reportsAChannelTheSubscriberDoesNotHoldAsTheSubscriptionsProblem() {
		this.unsubscribed.set("shard channel orders dropped by 127.0.0.1:7001 (its slot moved): subscribing it again "
				+ "on the slot's owner");

		String problem = this.health.problem(false);

		assertThat(problem).isEqualTo(this.unsubscribed.get());
		assertThat(this.health.isHeldProblem(problem)).isTrue();
		assertThat(this.health.isCanaryProblem(problem)).isFalse();
	}

	@Test
	void hasNoProblemOnceTheSubscriberHoldsEveryChannel() {
		this.unsubscribed.set("shard channel orders not subscribed yet");
		assertThat(this.health.problem(true)).isNotNull();

		this.unsubscribed.set(null);

		assertThat(this.health.problem(false)).isNull();
	}

	@Test
	void tellsACanarysProblemFromASubscriptionsProblem() {
		assertThat(this.health.isHeldProblem("shard channel canary of orders: no probe back")).isFalse();
		assertThat(this.health.isCanaryProblem("shard channel canary of orders: no probe back")).isTrue();
	}

}
