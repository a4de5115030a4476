package io.messageconsumer.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;

/**
 * The one way the service sends Redis commands asynchronously: Lettuce's async commands of the
 * connection Spring hands out (the shared one, standalone or cluster alike), and a wait for the
 * replies bounded by one deadline for all of them. Pipelining this way costs no connection;
 * Spring's {@code executePipelined} would open, and close, a dedicated one per call. A reply not
 * there by its deadline is cancelled and fails the call ({@link LettuceFutures#awaitOrCancel}).
 */
public final class RedisAsync {

	private RedisAsync() {
	}

	/**
	 * Lettuce's async commands behind a Spring connection.
	 * @param connection a connection from a {@code LettuceConnectionFactory}
	 * @return its commands, binary keys and values
	 */
	@SuppressWarnings("unchecked")
	public static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	/**
	 * Wait for one reply.
	 * @param <T> the reply type
	 * @param reply the pending reply
	 * @param timeout how long to wait
	 * @return the reply
	 */
	public static <T> T await(RedisFuture<T> reply, Duration timeout) {
		return LettuceFutures.awaitOrCancel(reply, timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Wait for every reply, all within one deadline; a reply still missing then is cancelled and
	 * fails the call.
	 * @param <T> the reply type
	 * @param replies the pending replies
	 * @param timeout how long all of them may take
	 * @return the replies, in order
	 */
	public static <T> List<T> awaitAll(List<RedisFuture<T>> replies, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<T> results = new ArrayList<>(replies.size());
		for (RedisFuture<T> reply : replies) {
			results.add(LettuceFutures.awaitOrCancel(reply, Math.max(0, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS));
		}
		return results;
	}

	/**
	 * Send one command on the template's shared connection and wait for its reply.
	 * @param <T> the reply type
	 * @param redis the template whose connection carries the command
	 * @param timeout how long the reply may take
	 * @param command sends the command
	 * @return the reply
	 */
	public static <T> T call(RedisOperations<?, ?> redis, Duration timeout,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		return redis.execute((RedisCallback<T>) (connection) -> await(command.apply(commands(connection)), timeout));
	}

	/**
	 * Send commands pipelined on the template's shared connection and wait for every reply, all
	 * within one deadline.
	 * @param <T> the reply type
	 * @param redis the template whose connection carries the commands
	 * @param timeout how long all of the replies may take
	 * @param commands sends the commands, returning their pending replies in order
	 * @return the replies, in order
	 */
	public static <T> List<T> callAll(RedisOperations<?, ?> redis, Duration timeout,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<RedisFuture<T>>> commands) {
		return redis.execute((RedisCallback<List<T>>) (connection) -> awaitAll(commands.apply(commands(connection)),
				timeout));
	}

}
