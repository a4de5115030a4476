package io.messageconsumer.source.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

import io.messageconsumer.support.LogText;

/**
 * Subscribes the shard channels ({@code consumer.shard-channels}) with {@code SSUBSCRIBE}, through
 * Lettuce's pub/sub connection of the subscriber's own client: on a cluster its
 * {@code StatefulRedisClusterPubSubConnection}, which sends each {@code SSUBSCRIBE} to the node that
 * owns the channel's slot (one connection per slot owner, following {@code MOVED}); on a standalone
 * Redis a plain pub/sub connection.
 * <p>
 * When a slot leaves a node (resharding, or a failover that demotes it), Redis drops the shard
 * channels of that slot with an {@code sunsubscribe} push; this subscriber then refreshes the
 * cluster topology and subscribes the channel again, on its new owner. A master that crashes sends
 * no push: the shard check finds its channels missing ({@link #reconcile}). Each attempt is a
 * {@link ShardSubscribeAttempt}, run one at a time by {@link ShardAttempts}, with a backoff after
 * a failure.
 */
class ShardSubscriber implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShardSubscriber.class);

	private final ShardTopology topology;

	private final List<String> channels;

	private final ShardListener listener;

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean running;

	private final ShardChannelStates states = new ShardChannelStates();

	private final ShardSubscribeAttempt attempt;

	private final ShardAttempts attempts;

	/**
	 * @param topology the subscriber's own Lettuce client and its view of the slot owners
	 * @param channels the configured shard channels
	 * @param canaries the canary channels, subscribed beside them
	 * @param messages where shard messages go
	 * @param scheduler runs the subscribing, off the connection's thread
	 */
	ShardSubscriber(ShardTopology topology, List<String> channels, ShardCanaries canaries, PubSubListener messages,
			TaskScheduler scheduler) {
		this.topology = topology;
		List<String> all = new ArrayList<>(channels);
		all.addAll(canaries.channels());
		this.channels = List.copyOf(all);
		this.listener = new ShardListener(messages, canaries, this::follow);
		this.attempt = new ShardSubscribeAttempt(topology, this.states);
		this.attempts = new ShardAttempts(scheduler, this::subscribePending, this.states::hasPending);
	}

	/**
	 * The shard channels subscribed: the configured ones, then their canaries.
	 * @return the channels
	 */
	List<String> channels() {
		return this.channels;
	}

	/**
	 * Whether a channel is subscribed, as far as this subscriber knows: Redis confirmed it and
	 * has not dropped it since.
	 * @param channel a shard channel
	 * @return {@code true} while subscribed
	 */
	boolean isSubscribed(String channel) {
		return this.states.isSubscribed(channel);
	}

	/**
	 * Why a shard channel is not subscribed now: pending since start, or since Redis dropped it.
	 * @return the problem, naming the channel, or {@code null} while every channel is subscribed
	 */
	String problem() {
		return this.states.problem();
	}

	@Override
	public synchronized void start() {
		if (!this.running && !this.channels.isEmpty()) {
			this.running = true;
			this.states.start(this.channels);
			this.attempts.start();
		}
	}

	/** The server dropped a channel (its slot left that node): subscribe it again where it lives now. */
	private void follow(String channel, String node) {
		if (this.running && this.channels.contains(channel)) {
			logger.info("Redis dropped the shard channel " + LogText.safe(channel) + " (its slot moved): subscribing it "
					+ "again on the slot's owner");
			this.states.dropped(channel, node);
			this.attempts.now(true);
		}
	}

	/**
	 * The shard check found owners holding fewer shard channels than they should, or not answering:
	 * a master that crashed sends no {@code sunsubscribe}, and its replica, once promoted, holds
	 * nothing. The channels subscribed there are pending again, for the one subscribing path, which
	 * neither subscribes on a node that answers {@code ROLE} as a replica nor while the topology
	 * still names the node that does not answer ({@link ShardSubscribeAttempt}): that attempt fails
	 * and waits out the backoff, as long as the cluster has no master for the slot. On the same,
	 * healthy owner a second {@code SSUBSCRIBE} is harmless: Redis counts a channel once per connection.
	 * @param nodes the owners ({@code host:port})
	 */
	void reconcile(Set<String> nodes) {
		if (!this.running || !this.topology.isCluster()) {
			// Standalone: Lettuce subscribes again on the one server when it reconnects.
			return;
		}
		List<String> lost = this.channels.stream()
			.filter((channel) -> nodes.contains(this.topology.ownerOf(channel))
					&& this.states.lost(channel, this.topology.ownerOf(channel)))
			.toList();
		if (!lost.isEmpty()) {
			logger.info("Shard channels " + LogText.safe(String.join(", ", lost)) + " not held on their slot owner "
					+ "(it does not answer, or does not hold them): subscribing them again on the slot's owner");
			// No reset of the backoff: a node that stays away is asked no faster than the backoff allows.
			this.attempts.now(false);
		}
	}

	/**
	 * One attempt ({@link ShardSubscribeAttempt}), run by {@link ShardAttempts}: after the first
	 * subscription, the slot owners are read again before each.
	 * @return its failure, or {@code null}
	 */
	private RuntimeException subscribePending() {
		boolean connected = this.connection != null;
		return this.attempt.run(connection(), connected);
	}

	private synchronized StatefulRedisPubSubConnection<byte[], byte[]> connection() {
		if (!this.running) {
			throw new IllegalStateException("shard subscriber stopped");
		}
		if (this.connection == null) {
			this.connection = this.topology.connectPubSub(this.listener);
		}
		return this.connection;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.attempts.stop();
		this.states.clear();
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		this.connection = null;
		if (current != null) {
			current.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
