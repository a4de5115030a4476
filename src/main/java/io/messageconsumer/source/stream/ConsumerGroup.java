package io.messageconsumer.source.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.redis.RedisAsync;

/**
 * The consumer group and this replica's consumer in it, as Lettuce names them: creating the group
 * on a stream ({@code XGROUP CREATE ... MKSTREAM}, from the start of the stream) and telling that
 * it has disappeared ({@code NOGROUP}).
 */
final class ConsumerGroup {

	private static final Log logger = LogFactory.getLog(ConsumerGroup.class);

	private final String name;

	private final Consumer<byte[]> consumer;

	private ConsumerGroup(String name, String consumerName) {
		this.name = name;
		this.consumer = Consumer.from(bytes(name), bytes(consumerName));
	}

	/**
	 * The configured group and consumer.
	 * @param settings the {@code consumer.streams.*} settings
	 * @return the group
	 */
	static ConsumerGroup of(StreamsProperties settings) {
		return new ConsumerGroup(settings.group(), settings.consumerName());
	}

	/** This replica's consumer in the group. */
	Consumer<byte[]> consumer() {
		return this.consumer;
	}

	/** This replica's consumer name. */
	String consumerName() {
		return new String(this.consumer.getName(), StandardCharsets.UTF_8);
	}

	/**
	 * Create the group on a stream unless it exists, from the start of the stream: entries added
	 * before the group existed are consumed too.
	 * @param commands where to send {@code XGROUP CREATE}
	 * @param key the stream
	 * @param timeout how long the reply may take
	 */
	void create(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key, Duration timeout) {
		try {
			RedisAsync.await(commands.xgroupCreate(StreamOffset.from(key, "0"), this.consumer.getGroup(),
					XGroupCreateArgs.Builder.mkstream()), timeout);
			logger.info("Created consumer group " + this.name + " on stream " + new String(key, StandardCharsets.UTF_8));
		}
		catch (RedisCommandExecutionException ex) {
			if (ex.getMessage() == null || !ex.getMessage().startsWith("BUSYGROUP")) {
				throw ex;
			}
		}
	}

	/**
	 * Whether a failure says the group is missing (deleted, or the stream with it).
	 * @param ex the failure
	 * @return {@code true} on {@code NOGROUP}
	 */
	static boolean isMissing(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("NOGROUP")) {
				return true;
			}
		}
		return false;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
