package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;

/**
 * Lettuce's callbacks for the shard channels, on the subscriber's I/O thread: a probe goes to its
 * canary ({@link ShardCanaries}), any other shard message to the {@link PubSubListener}, the same
 * door as every pub/sub message; an
 * {@code sunsubscribe} goes to whoever follows the channel to its new owner. Nothing here blocks.
 */
final class ShardListener extends RedisPubSubAdapter<byte[], byte[]> {

	private final PubSubListener messages;

	private final ShardCanaries canaries;

	private final BiConsumer<String, String> dropped;

	private final ChannelName channelName = new ChannelName();

	/**
	 * @param messages where shard messages go
	 * @param canaries answers the probes that come back on the canary channels
	 * @param dropped told the channel Redis unsubscribed this connection from, and the node that did
	 * ({@code host:port}; {@code null} when standalone)
	 */
	ShardListener(PubSubListener messages, ShardCanaries canaries, BiConsumer<String, String> dropped) {
		this.messages = messages;
		this.canaries = canaries;
		this.dropped = dropped;
	}

	@Override
	public void smessage(byte[] shardChannel, byte[] message) {
		if (!this.canaries.received(this.channelName.decode(shardChannel), message)) {
			this.messages.onShardMessage(shardChannel, message);
		}
	}

	@Override
	public void sunsubscribed(byte[] shardChannel, long count) {
		this.dropped.accept(new String(shardChannel, StandardCharsets.UTF_8), null);
	}

	/**
	 * The same callbacks for a cluster connection, whose node connections report with their node.
	 * @return the cluster listener
	 */
	RedisClusterPubSubListener<byte[], byte[]> forCluster() {
		return new RedisClusterPubSubAdapter<>() {

			@Override
			public void smessage(RedisClusterNode node, byte[] shardChannel, byte[] message) {
				ShardListener.this.smessage(shardChannel, message);
			}

			@Override
			public void sunsubscribed(RedisClusterNode node, byte[] shardChannel, long count) {
				String address = (node != null) ? node.getUri().getHost() + ":" + node.getUri().getPort() : null;
				ShardListener.this.dropped.accept(new String(shardChannel, StandardCharsets.UTF_8), address);
			}

		};
	}

}
