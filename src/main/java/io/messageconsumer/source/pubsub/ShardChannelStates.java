package io.messageconsumer.source.pubsub;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each shard channel stands for the {@link ShardSubscriber}: subscribed (Redis confirmed it
 * and has not dropped it since), or pending (at start, and each time Redis drops it), with the
 * node that dropped it and how often. Safe for the I/O thread that reports drops, the
 * scheduler thread that subscribes, and the health check, which reads it live: a channel pending
 * between two checks of the slot owners is already a problem.
 */
final class ShardChannelStates {

	/** How each of its problems starts. */
	static final String PROBLEM_PREFIX = "shard channel ";

	/** Every channel, in the order given at start: the configured ones before their canaries. */
	private volatile List<String> all = List.of();

	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	private final Set<String> pending = ConcurrentHashMap.newKeySet();

	/** How often Redis dropped each channel: a drop during an attempt keeps the channel pending. */
	private final Map<String, Long> drops = new ConcurrentHashMap<>();

	/** The node whose {@code sunsubscribe} push dropped a pending channel, or that lost it (crashed). */
	private final Map<String, String> droppedBy = new ConcurrentHashMap<>();

	/** Pending channels lost without a push: their owner did not answer, or did not hold them. */
	private final Set<String> lost = ConcurrentHashMap.newKeySet();

	/**
	 * Every channel is to be subscribed.
	 * @param channels the channels
	 */
	void start(List<String> channels) {
		this.all = List.copyOf(channels);
		this.pending.addAll(channels);
	}

	/**
	 * Redis dropped a channel.
	 * @param channel the channel
	 * @param node the node that did, or {@code null}
	 */
	void dropped(String channel, String node) {
		this.lost.remove(channel);
		pend(channel, node);
	}

	/**
	 * A subscribed channel is lost without a word from Redis: its owner does not answer (a master
	 * that crashed sends no {@code sunsubscribe}) or does not hold it.
	 * @param channel the channel
	 * @param node the owner that lost it
	 * @return {@code true} when it was subscribed, and is pending now
	 */
	boolean lost(String channel, String node) {
		if (!this.subscribed.contains(channel)) {
			return false;
		}
		this.lost.add(channel);
		pend(channel, node);
		return true;
	}

	private void pend(String channel, String node) {
		this.subscribed.remove(channel);
		if (node != null) {
			this.droppedBy.put(channel, node);
		}
		this.drops.merge(channel, 1L, Long::sum);
		this.pending.add(channel);
	}

	/**
	 * The channels to subscribe now, and how often each was dropped so far.
	 * @return the drop counts of the pending channels, by channel
	 */
	Map<String, Long> pendingWithDrops() {
		Map<String, Long> pendingNow = new HashMap<>();
		for (String channel : List.copyOf(this.pending)) {
			pendingNow.put(channel, this.drops.getOrDefault(channel, 0L));
		}
		return pendingNow;
	}

	/**
	 * Redis confirmed a subscription: the channel is subscribed, unless Redis dropped it again
	 * since the attempt began, then it stays pending.
	 * @param channel the channel
	 * @param dropsBefore how often it had been dropped when the attempt began
	 * @return {@code true} when it counts as subscribed
	 */
	boolean confirmed(String channel, long dropsBefore) {
		if (!Objects.equals(dropsBefore, this.drops.getOrDefault(channel, 0L))) {
			return false;
		}
		this.pending.remove(channel);
		this.droppedBy.remove(channel);
		this.lost.remove(channel);
		this.subscribed.add(channel);
		return true;
	}

	/**
	 * Why a shard channel is not subscribed now, for health: the first pending channel (a
	 * configured one before a canary), the node that dropped it, and how many more are pending.
	 * @return the problem, or {@code null} while every channel is subscribed
	 */
	String problem() {
		List<String> pendingNow = this.all.stream().filter(this.pending::contains).toList();
		if (pendingNow.isEmpty()) {
			return null;
		}
		String channel = pendingNow.get(0);
		String node = this.droppedBy.get(channel);
		String more = (pendingNow.size() > 1) ? " (and " + (pendingNow.size() - 1) + " more)" : "";
		if (this.drops.getOrDefault(channel, 0L) == 0) {
			return PROBLEM_PREFIX + channel + more + " not subscribed yet";
		}
		String how = this.lost.contains(channel) ? " lost on " + node + " (it does not answer, or does not hold it)"
				: " dropped" + ((node != null) ? " by " + node : "") + " (its slot moved)";
		return PROBLEM_PREFIX + channel + more + how + ": subscribing it again on the slot's owner";
	}

	/**
	 * The node that last dropped a pending channel.
	 * @param channel the channel
	 * @return {@code host:port}, or {@code null}
	 */
	String droppedBy(String channel) {
		return this.droppedBy.get(channel);
	}

	boolean isSubscribed(String channel) {
		return this.subscribed.contains(channel);
	}

	boolean hasPending() {
		return !this.pending.isEmpty();
	}

	/** Stopped: nothing is subscribed or pending. */
	void clear() {
		this.all = List.of();
		this.subscribed.clear();
		this.pending.clear();
		this.drops.clear();
		this.droppedBy.clear();
		this.lost.clear();
	}

}
