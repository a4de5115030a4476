package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.springframework.data.redis.core.types.RedisClientInfo;

/**
 * The subscriber's own Lettuce client, for shard channels: their pub/sub connection, and where
 * they live as that client sees the cluster: the slot owner of a channel, a fresh read of the topology when a slot moved, and the {@code CLIENT LIST}
 * of one node, asked of that node itself (the application's shared connection knows only the
 * masters of its last topology, which a failover makes stale). On a standalone Redis there is one
 * owner, the server.
 */
final class ShardTopology implements AutoCloseable {

	private final AbstractRedisClient client;

	private StatefulRedisClusterConnection<String, String> connection;

	ShardTopology(AbstractRedisClient client) {
		this.client = client;
	}

	/**
	 * Whether shard channels spread over the nodes of a cluster.
	 * @return {@code true} on a cluster
	 */
	boolean isCluster() {
		return this.client instanceof RedisClusterClient;
	}

	/**
	 * The node that owns a shard channel's slot, as last read.
	 * @param channel the shard channel
	 * @return {@code host:port}; {@code null} on a standalone Redis; {@code no owner} for an uncovered slot
	 */
	String ownerOf(String channel) {
		if (!(this.client instanceof RedisClusterClient cluster)) {
			return null;
		}
		RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
		return (owner != null) ? address(owner.getUri()) : "no owner";
	}

	/**
	 * Every node of the cluster, masters and replicas, as last read.
	 * @return {@code host:port} of each; empty on a standalone Redis
	 */
	List<String> nodes() {
		if (!(this.client instanceof RedisClusterClient cluster)) {
			return List.of();
		}
		return cluster.getPartitions().stream().map((node) -> address(node.getUri())).toList();
	}

	/** Read the cluster's slot owners again, on a cluster. */
	void refresh() {
		if (this.client instanceof RedisClusterClient cluster) {
			cluster.refreshPartitions();
		}
	}

	/**
	 * Open the pub/sub connection that carries the shard subscriptions: on a cluster, Lettuce's
	 * cluster pub/sub connection, which routes each {@code SSUBSCRIBE} to the slot owner's node.
	 * @param listener told of shard messages and dropped channels
	 * @return the connection
	 */
	StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub(ShardListener listener) {
		if (this.client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterPubSubConnection<byte[], byte[]> connection = cluster.connectPubSub(ByteArrayCodec.INSTANCE);
			connection.addListener(listener.forCluster());
			return connection;
		}
		StatefulRedisPubSubConnection<byte[], byte[]> connection = ((RedisClient) this.client)
			.connectPubSub(ByteArrayCodec.INSTANCE);
		connection.addListener(listener);
		return connection;
	}

	/**
	 * Whether a cluster node is a replica now, by its own {@code ROLE}.
	 * @param node {@code host:port}
	 * @return {@code true} for a replica
	 */
	boolean isReplica(String node) {
		List<Object> role = nodeCommands(node).role();
		return !role.isEmpty() && "slave".equals(String.valueOf(role.get(0)));
	}

	/**
	 * {@code CLIENT LIST} of one cluster node.
	 * @param node {@code host:port}
	 * @return its clients
	 */
	List<RedisClientInfo> clientsOf(String node) {
		String clients = nodeCommands(node).clientList();
		return clients.lines().filter((line) -> !line.isBlank()).map(RedisClientInfo.RedisClientInfoBuilder::fromString).toList();
	}

	/**
	 * The commands of one node's connection. One that is not connected fails at once rather than
	 * queueing the command until the timeout: a crashed node would cost each check, and each
	 * subscribing attempt, 2 s.
	 */
	private RedisCommands<String, String> nodeCommands(String node) {
		int colon = node.lastIndexOf(':');
		StatefulRedisConnection<String, String> connection = clusterConnection()
			.getConnection(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1)));
		if (!connection.isOpen()) {
			throw new RedisConnectionException(node + " is not connected");
		}
		return connection.sync();
	}

	private synchronized StatefulRedisClusterConnection<String, String> clusterConnection() {
		if (this.connection == null) {
			this.connection = ((RedisClusterClient) this.client).connect(StringCodec.UTF8);
			// Asked every two seconds by the health check: a node that does not answer soon is a problem to report.
			this.connection.setTimeout(Duration.ofSeconds(2));
		}
		return this.connection;
	}

	private static String address(RedisURI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	@Override
	public synchronized void close() {
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

}
