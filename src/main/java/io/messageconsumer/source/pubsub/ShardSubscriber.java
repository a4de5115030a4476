package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.redis.RedisProblem;
import io.messageconsumer.support.BackOffs;
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
 * cluster topology and subscribes the channel again, on its new owner. This class schedules the
 * attempts (one at a time, with a backoff after a failure); each attempt is a
 * {@link ShardSubscribeAttempt}.
 */
class ShardSubscriber implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShardSubscriber.class);

	/** Between attempts to subscribe a channel: 100 ms, doubling, at most 2 s, so a move is followed within seconds. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(2));

	private final ShardTopology topology;

	private final List<String> channels;

	private final ShardListener listener;

	private final TaskScheduler scheduler;

	private final RedisProblem problems = new RedisProblem(logger);

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean running;

	private final ShardChannelStates states = new ShardChannelStates();

	private final ShardSubscribeAttempt attempt;

	private boolean attemptScheduled;

	private BackOffExecution backOff;

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
		this.scheduler = scheduler;
		this.attempt = new ShardSubscribeAttempt(topology, this.states);
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
			scheduleAttempt(Instant.now());
		}
	}

	/** The server dropped a channel (its slot left that node): subscribe it again where it lives now. */
	private void follow(String channel, String node) {
		if (this.running && this.channels.contains(channel)) {
			logger.info("Redis dropped the shard channel " + LogText.safe(channel) + " (its slot moved): subscribing it "
					+ "again on the slot's owner");
			this.states.dropped(channel, node);
			synchronized (this) {
				this.backOff = null;
			}
			scheduleAttempt(Instant.now());
		}
	}

	/**
	 * At most one attempt is scheduled or running: one scheduler thread at a time, whatever the
	 * number of channels, and never two attempts routing the same channel on two views of the cluster.
	 */
	private synchronized void scheduleAttempt(Instant at) {
		if (!this.attemptScheduled) {
			this.attemptScheduled = true;
			this.scheduler.schedule(this::subscribePending, at);
		}
	}

	/**
	 * One attempt on a scheduler thread ({@link ShardSubscribeAttempt}); what failed, or came
	 * pending meanwhile, is tried again (after the backoff when something failed).
	 */
	private void subscribePending() {
		RuntimeException failure = null;
		if (this.running) {
			try {
				// After the first subscription, read the slot owners again before each attempt.
				boolean connected = this.connection != null;
				failure = this.attempt.run(connection(), connected);
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		finishAttempt(failure);
	}

	private synchronized void finishAttempt(RuntimeException failure) {
		this.attemptScheduled = false;
		if (!this.running) {
			return;
		}
		if (failure != null) {
			this.problems.report(RedisProblem.describe(failure));
			if (this.backOff == null) {
				this.backOff = RETRY.start();
			}
			scheduleAttempt(Instant.now().plusMillis(this.backOff.nextBackOff()));
		}
		else {
			this.problems.clear();
			if (this.states.hasPending()) {
				scheduleAttempt(Instant.now());
			}
		}
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
		this.states.clear();
		this.backOff = null;
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
