package io.messageconsumer.source.pubsub;

import java.time.Instant;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.lanes.MessageDispatcher;

/**
 * Receives pub/sub messages on the Redis connection's thread and hands them to the
 * dispatcher's bounded stage at once, whether they came on a channel, a pattern or a shard channel
 * ({@code SSUBSCRIBE}). Canary probes are answered here and go no further, and so are the warm-up
 * messages that come back on the canary channel ({@link PubSubWarmUp}).
 */
class PubSubListener implements MessageListener {

	static final String SOURCE = "pubsub";

	private final MessageDispatcher dispatcher;

	private final CanaryProbe canary;

	private final PubSubWarmUp warmUp;

	private final ChannelName channelName = new ChannelName();

	private final ChannelName patternName = new ChannelName();

	private final ChannelName shardChannelName = new ChannelName();

	private volatile long lastMessageNanos = System.nanoTime() - Long.MAX_VALUE / 2;

	PubSubListener(MessageDispatcher dispatcher, CanaryProbe canary, PubSubWarmUp warmUp) {
		this.dispatcher = dispatcher;
		this.canary = canary;
		this.warmUp = warmUp;
	}

	/** When the last real message arrived, in {@link System#nanoTime()} terms. */
	long lastMessageNanos() {
		return this.lastMessageNanos;
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		// getChannel() copies the array: ask once.
		byte[] channelBytes = message.getChannel();
		if (this.canary.isCanary(channelBytes)) {
			byte[] body = message.getBody();
			if (PubSubWarmUp.isWarmUp(body)) {
				this.warmUp.received(body);
			}
			else {
				this.canary.received(body);
			}
			return;
		}
		this.lastMessageNanos = System.nanoTime();
		String channel = this.channelName.decode(channelBytes);
		// A pattern message's channel is chosen by the publisher; the pattern is the bounded name.
		String subscription = (pattern != null && pattern.length > 0) ? this.patternName.decode(pattern) : channel;
		this.dispatcher.dispatch(new InboundMessage(message.getBody(), SOURCE, channel, subscription, Instant.now()));
	}

	/**
	 * A message on a shard channel: the shard channel is the configured, bounded name.
	 * @param shardChannel the shard channel
	 * @param body the message
	 */
	void onShardMessage(byte[] shardChannel, byte[] body) {
		this.lastMessageNanos = System.nanoTime();
		String channel = this.shardChannelName.decode(shardChannel);
		this.dispatcher.dispatch(new InboundMessage(body, SOURCE, channel, channel, Instant.now()));
	}

}
