package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.support.LogText;

/**
 * One attempt to subscribe the pending shard channels, for the {@link ShardSubscriber}: the slot
 * owners read again, one {@code SSUBSCRIBE} per pending channel sent at once (channels of
 * different slots in one command would be refused: {@code CROSSSLOT}), the replies awaited within
 * one deadline. What is confirmed becomes subscribed in the {@link ShardChannelStates}; the
 * scheduling of attempts, and their backoff, is the subscriber's.
 */
final class ShardSubscribeAttempt {

	/** Logs as the subscriber: one category to follow the shard channels by. */
	private static final Log logger = LogFactory.getLog(ShardSubscriber.class);

	/** For all the replies of one attempt. */
	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

	private final ShardTopology topology;

	private final ShardChannelStates states;

	/**
	 * @param topology the subscriber's view of the slot owners
	 * @param states where each channel stands
	 */
	ShardSubscribeAttempt(ShardTopology topology, ShardChannelStates states) {
		this.topology = topology;
		this.states = states;
	}

	/**
	 * Subscribe every pending channel once.
	 * @param connection the shard channels' pub/sub connection
	 * @param refresh whether to read the slot owners first (not needed on the first attempt)
	 * @return the last failure, or {@code null} when every pending channel was confirmed
	 */
	RuntimeException run(StatefulRedisPubSubConnection<byte[], byte[]> connection, boolean refresh) {
		if (refresh) {
			// A moved slot must be subscribed on its new owner.
			this.topology.refresh();
		}
		RuntimeException failure = null;
		var commands = connection.async();
		Map<String, RedisFuture<Void>> replies = new LinkedHashMap<>();
		Map<String, Long> dropsBefore = this.states.pendingWithDrops();
		// Each node asked once per attempt: one that does not answer costs one failure, not one per channel.
		Map<String, Boolean> staleNodes = new HashMap<>();
		for (String channel : dropsBefore.keySet()) {
			if (isStale(channel, staleNodes)) {
				failure = new IllegalStateException("the topology still names the node that dropped or lost "
						+ channel + " as its owner: a replica now, or not answering");
			}
			else {
				replies.put(channel, commands.ssubscribe(channel.getBytes(StandardCharsets.UTF_8)));
			}
		}
		return awaitReplies(replies, dropsBefore, failure);
	}

	/**
	 * Whether the topology just read still gives the channel to the node that dropped it although
	 * that node is a replica now (a failover demoted it; the view came from a node not told yet). A
	 * demoted master accepts {@code SSUBSCRIBE} without {@code MOVED}, and gets a copy of every
	 * message published in its shard: subscribed there too, the service would process each twice.
	 * A master that dropped the channel answers {@code MOVED} when it no longer owns the slot. A
	 * node that does not answer {@code ROLE} counts as stale too: a crashed master, its replica not
	 * promoted yet.
	 */
	private boolean isStale(String channel, Map<String, Boolean> staleNodes) {
		String droppedBy = this.states.droppedBy(channel);
		if (droppedBy == null || !droppedBy.equals(this.topology.ownerOf(channel))) {
			return false;
		}
		return staleNodes.computeIfAbsent(droppedBy, this::isReplicaOrSilent);
	}

	private boolean isReplicaOrSilent(String node) {
		try {
			return this.topology.isReplica(node);
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	/** Wait for the replies; a channel dropped again meanwhile stays pending. */
	private RuntimeException awaitReplies(Map<String, RedisFuture<Void>> replies, Map<String, Long> dropsBefore,
			RuntimeException failure) {
		RuntimeException result = failure;
		long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
		for (Map.Entry<String, RedisFuture<Void>> reply : replies.entrySet()) {
			try {
				RedisAsync.await(reply.getValue(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
				if (this.states.confirmed(reply.getKey(), dropsBefore.get(reply.getKey()))) {
					String owner = this.topology.ownerOf(reply.getKey());
					logger.info("Subscribed to shard channel " + LogText.safe(reply.getKey())
							+ ((owner != null) ? " on " + owner : ""));
				}
			}
			catch (RuntimeException ex) {
				result = ex;
			}
		}
		return result;
	}

}
