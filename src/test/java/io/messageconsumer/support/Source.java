package io.messageconsumer.support;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongFunction;

import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A message source as a contract test sees it: its mode, how a message is published to it, and
 * when what was published counts as delivered. Messages go to logical channels ({@code orders},
 * {@code notifications}): a channel of that name for pub/sub, the stream {@code <name>-stream}
 * for streams.
 */
public abstract sealed class Source {

	/**
	 * Pub/sub: {@code PUBLISH} to the channel of the name.
	 * @return the source
	 */
	public static Source pubSub() {
		return new PubSub();
	}

	/**
	 * Streams: {@code XADD <name>-stream * payload <message>}, read by a consumer group.
	 * @param group the consumer group
	 * @return the source
	 */
	public static Source stream(String group) {
		return new Stream(group);
	}

	/**
	 * The {@code consumer.mode} and the {@code source} tag of meters and dead letters.
	 * @return {@code pubsub} or {@code stream}
	 */
	public abstract String mode();

	/**
	 * Where the messages of a logical channel go: the meters' {@code channel} tag and the dead
	 * letters' {@code channel} field.
	 * @param name e.g. {@code orders}
	 * @return the channel or stream key
	 */
	public abstract String destination(String name);


	/**
	 * Publish a message.
	 * @param redis Redis access
	 * @param name the logical channel
	 * @param message the message
	 */
	public abstract void publish(StringRedisTemplate redis, String name, String message);

	/**
	 * Publish many messages in one pipeline.
	 * @param redis Redis access
	 * @param name the logical channel
	 * @param count how many
	 * @param message the message for a number from {@code 0}
	 */
	public abstract void publishPipelined(StringRedisTemplate redis, String name, int count,
			LongFunction<String> message);

	/**
	 * Whether everything published to a logical channel was delivered as this source promises:
	 * for streams, nothing is left pending in the group; pub/sub keeps no record.
	 * @param redis Redis access
	 * @param name the logical channel
	 * @return {@code true} when settled
	 */
	public abstract boolean settled(StringRedisTemplate redis, String name);

	@Override
	public String toString() {
		return mode();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static final class PubSub extends Source {

		@Override
		public String mode() {
			return "pubsub";
		}

		@Override
		public String destination(String name) {
			return name;
		}

		@Override
		public void publish(StringRedisTemplate redis, String name, String message) {
			new RedisProbe(redis).publish(name, message);
		}

		@Override
		public void publishPipelined(StringRedisTemplate redis, String name, int count, LongFunction<String> message) {
			redis.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = 0; i < count; i++) {
					connection.publish(bytes(name), bytes(message.apply(i)));
				}
				return null;
			});
		}

		@Override
		public boolean settled(StringRedisTemplate redis, String name) {
			return true;
		}

	}

	private static final class Stream extends Source {

		private final String group;

		Stream(String group) {
			this.group = group;
		}

		@Override
		public String mode() {
			return "stream";
		}

		@Override
		public String destination(String name) {
			return name + "-stream";
		}

		@Override
		public void publish(StringRedisTemplate redis, String name, String message) {
			redis.opsForStream().add(MapRecord.create(destination(name), Map.of("payload", message)));
		}

		@Override
		public void publishPipelined(StringRedisTemplate redis, String name, int count, LongFunction<String> message) {
			byte[] key = bytes(destination(name));
			redis.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = 0; i < count; i++) {
					connection.streamCommands()
						.xAdd(StreamRecords.rawBytes(Map.of(bytes("payload"), bytes(message.apply(i)))).withStreamKey(key));
				}
				return null;
			});
		}

		@Override
		public boolean settled(StringRedisTemplate redis, String name) {
			return redis.opsForStream().pending(destination(name), this.group).getTotalPendingMessages() == 0;
		}

	}

}
