package io.messageconsumer.source.pubsub;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.data.redis.core.types.RedisClientInfo;

/**
 * The shard subscriptions' part of the pub/sub source's health: whether the subscriber holds
 * every shard channel now ({@link ShardChannelStates}, read live: a channel Redis dropped is a
 * problem at once, not from the next check), what the slot owners hold ({@link ShardCheck},
 * refreshed with each subscription check) and whether each shard channel's canary comes back
 * ({@link ShardCanaries}). The owners found missing channels, or not answering, are handed to
 * the {@link ShardSubscriber}, which subscribes those channels again where the topology puts them:
 * a master that crashes sends no {@code sunsubscribe}.
 */
final class ShardHealth {

	private final List<String> channels;

	private final ShardTopology topology;

	private final ShardCanaries canaries;

	private final Supplier<String> unsubscribed;

	private final Consumer<Set<String>> missingOn;

	private volatile ShardCheck last = ShardCheck.NONE;

	/**
	 * @param channels every shard channel subscribed, canaries included
	 * @param topology the slot owners, as the subscriber sees them
	 * @param canaries the shard channels' canaries
	 * @param unsubscribed why a shard channel is not subscribed now, as the subscriber knows it, or {@code null}
	 * @param missingOn told the owners that hold fewer shard channels than they should, or do not answer
	 */
	ShardHealth(List<String> channels, ShardTopology topology, ShardCanaries canaries, Supplier<String> unsubscribed,
			Consumer<Set<String>> missingOn) {
		this.channels = List.copyOf(channels);
		this.topology = topology;
		this.canaries = canaries;
		this.unsubscribed = unsubscribed;
		this.missingOn = missingOn;
	}

	/**
	 * Ask the slot owners again.
	 * @param clientName this instance's client name
	 * @param clients the {@code CLIENT LIST} the subscription check read (the server's, when
	 * standalone), or {@code null} when it could not be read: on a cluster each owner is still asked itself
	 */
	void check(String clientName, List<RedisClientInfo> clients) {
		if (clients == null && !this.topology.isCluster()) {
			return;
		}
		ShardCheck check = ShardCheck.of(clientName, this.channels, this.topology, (clients != null) ? clients : List.of());
		this.last = check;
		if (!check.missingOn().isEmpty()) {
			this.missingOn.accept(check.missingOn());
		}
	}

	/**
	 * The largest output buffer of the shard connections, as last seen.
	 * @return bytes
	 */
	long outputBufferBytes() {
		return this.last.outputBufferBytes();
	}

	/**
	 * What is wrong with the shard subscriptions, or {@code null}.
	 * @param backlogged a backlog delays canaries: a late one is then slowness, not a problem
	 * @return the problem, or {@code null}
	 */
	String problem(boolean backlogged) {
		String unsubscribedNow = this.unsubscribed.get();
		if (unsubscribedNow != null) {
			return unsubscribedNow;
		}
		String held = this.last.problem();
		if (held != null) {
			return held;
		}
		return backlogged ? null : this.canaries.problem();
	}

	/**
	 * Whether a problem is a subscription's (missing, doubled, or being subscribed again) rather than a canary's.
	 * @param problem a problem {@link #problem(boolean)} gave
	 * @return {@code true} for a subscription's
	 */
	boolean isHeldProblem(String problem) {
		// A canary's problem starts with "shard channel" too.
		return !isCanaryProblem(problem) && (problem.equals(this.last.problem())
				|| problem.startsWith(ShardChannelStates.PROBLEM_PREFIX));
	}

	/**
	 * Whether a problem is a shard canary's: the shard subscription does not deliver.
	 * @param problem a problem {@link #problem(boolean)} gave
	 * @return {@code true} for a canary's
	 */
	boolean isCanaryProblem(String problem) {
		return problem.startsWith(ShardCanaries.PROBLEM_PREFIX);
	}

	/**
	 * Add the shard details, when there are shard channels.
	 * @param details the health details
	 */
	void addDetails(Map<String, Object> details) {
		ShardCheck check = this.last;
		if (!check.byNode().isEmpty()) {
			details.put("shardChannels", check.byNode());
			details.put("shardOutputBufferBytes", check.outputBufferBytes());
			details.put("shardCanaryLastSeenAt", this.canaries.lastSeen());
		}
	}

}
