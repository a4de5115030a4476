package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.redis.RedisAsync;
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
 * cluster topology and subscribes the channel again, on its new owner. One {@code SSUBSCRIBE} per
 * channel: channels of different slots in one command would be refused ({@code CROSSSLOT}).
 */
class ShardSubscriber implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShardSubscriber.class);

	/** Between attempts to subscribe a channel: 100 ms, doubling, at most 2 s, so a move is followed within seconds. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(2));

	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

	private final AbstractRedisClient client;

	private final ShardTopology topology;

	private final List<String> channels;

	private final ShardListener listener;

	private final TaskScheduler scheduler;

	private final RedisProblem problems = new RedisProblem(logger);

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean running;

	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	/**
	 * @param client the subscriber's own Lettuce client
	 * @param topology the slot owners, as that client sees them
	 * @param channels the configured shard channels
	 * @param canaries the canary channels, subscribed beside them
	 * @param messages where shard messages go
	 * @param scheduler runs the subscribing, off the connection's thread
	 */
	ShardSubscriber(AbstractRedisClient client, ShardTopology topology, List<String> channels, ShardCanaries canaries,
			PubSubListener messages, TaskScheduler scheduler) {
		this.client = client;
		this.topology = topology;
		List<String> all = new ArrayList<>(channels);
		all.addAll(canaries.channels());
		this.channels = List.copyOf(all);
		this.listener = new ShardListener(messages, canaries, this::follow);
		this.scheduler = scheduler;
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
		return this.subscribed.contains(channel);
	}

	@Override
	public synchronized void start() {
		if (!this.running && !this.channels.isEmpty()) {
			this.running = true;
			this.channels.forEach((channel) -> this.scheduler.schedule(() -> subscribe(channel, RETRY.start()),
					Instant.now()));
		}
	}

	/** The server dropped a channel (its slot left the node): subscribe it again where it lives now. */
	private void follow(String channel) {
		this.subscribed.remove(channel);
		if (this.running && this.channels.contains(channel)) {
			logger.info("Redis dropped the shard channel " + LogText.safe(channel) + " (its slot moved): subscribing it "
					+ "again on the slot's owner");
			this.scheduler.schedule(() -> subscribe(channel, RETRY.start()), Instant.now());
		}
	}

	/** One attempt on a scheduler thread; a failure schedules the next one after the backoff. */
	private void subscribe(String channel, BackOffExecution backOff) {
		if (!this.running) {
			return;
		}
		try {
			refreshTopology();
			RedisAsync.await(connection().async().ssubscribe(channel.getBytes(StandardCharsets.UTF_8)), REPLY_TIMEOUT);
			this.subscribed.add(channel);
			this.problems.clear();
			String owner = this.topology.ownerOf(channel);
			logger.info("Subscribed to shard channel " + LogText.safe(channel) + ((owner != null) ? " on " + owner : ""));
		}
		catch (RuntimeException ex) {
			long wait = backOff.nextBackOff();
			this.problems.report(RedisProblem.describe(ex));
			this.scheduler.schedule(() -> subscribe(channel, backOff), Instant.now().plusMillis(wait));
		}
	}

	/** After the first subscription, read the slot owners again: a moved slot must be subscribed on its new owner. */
	private void refreshTopology() {
		if (this.connection != null) {
			this.topology.refresh();
		}
	}

	private synchronized StatefulRedisPubSubConnection<byte[], byte[]> connection() {
		if (this.connection == null) {
			if (this.client instanceof RedisClusterClient cluster) {
				var clusterConnection = cluster.connectPubSub(ByteArrayCodec.INSTANCE);
				clusterConnection.addListener(this.listener.forCluster());
				this.connection = clusterConnection;
			}
			else {
				StatefulRedisPubSubConnection<byte[], byte[]> standalone = ((RedisClient) this.client)
					.connectPubSub(ByteArrayCodec.INSTANCE);
				standalone.addListener(this.listener);
				this.connection = standalone;
			}
		}
		return this.connection;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.subscribed.clear();
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

	@Override
	public int getPhase() {
		// Stops with the listener container, before the pipeline drains.
		return DEFAULT_PHASE;
	}

}
