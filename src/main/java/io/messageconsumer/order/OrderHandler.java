package io.messageconsumer.order;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;

/**
 * Handles {@code order} messages: stores each order once in the Redis hash {@code orders:<id>}.
 * <p>
 * The check and the write are one Lua script, so two concurrent deliveries of the same id
 * cannot both apply: the second is reported as a duplicate and changes nothing. The orders
 * waiting in a lane go to Redis together: one script call each, pipelined on the application's
 * shared connection, so a batch costs one round trip rather than one per order. Redis runs
 * them in order, so a second order with the same id in the same batch is a duplicate too.
 */
@Component
class OrderHandler implements BatchMessageHandler<OrderMessage> {

	static final String KEY_PREFIX = "orders:";

	private static final byte[] INSERT_IF_ABSENT = """
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			redis.call('HSET', KEYS[1], unpack(ARGV))
			return 1
			""".getBytes(StandardCharsets.UTF_8);

	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

	private final StringRedisTemplate redis;

	private final JsonMapper json;

	OrderHandler(StringRedisTemplate redis, JsonMapper json) {
		this.redis = redis;
		this.json = json;
	}

	@Override
	public String type() {
		return "order";
	}

	@Override
	public Class<OrderMessage> payloadType() {
		return OrderMessage.class;
	}

	@Override
	public List<HandlerResult> handleAll(List<OrderMessage> orders, List<MessageContext> contexts) {
		return this.redis.execute((RedisCallback<List<HandlerResult>>) (connection) -> insertAll(connection, orders));
	}

	private List<HandlerResult> insertAll(RedisConnection connection, List<OrderMessage> orders) {
		@SuppressWarnings("unchecked")
		RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
			.getNativeConnection();
		String receivedAt = Instant.now().toString();
		List<RedisFuture<Long>> replies = new ArrayList<>(orders.size());
		for (OrderMessage order : orders) {
			byte[][] key = { bytes(KEY_PREFIX + order.id()) };
			replies.add(commands.eval(INSERT_IF_ABSENT, ScriptOutputType.INTEGER, key, fields(order, receivedAt)));
		}
		List<HandlerResult> results = new ArrayList<>(orders.size());
		long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
		for (RedisFuture<Long> reply : replies) {
			Long applied = await(reply, deadline);
			results.add((applied != null && applied == 1L) ? HandlerResult.PROCESSED : HandlerResult.DUPLICATE);
		}
		return results;
	}

	private static Long await(RedisFuture<Long> reply, long deadline) {
		try {
			return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while storing orders", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("storing orders failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Redis did not answer within " + REPLY_TIMEOUT.toSeconds() + " s", ex);
		}
	}

	private byte[][] fields(OrderMessage order, String receivedAt) {
		List<byte[]> fields = new ArrayList<>(14);
		add(fields, "id", order.id());
		add(fields, "customerId", order.customerId());
		if (order.items() != null) {
			add(fields, "items", this.json.writeValueAsString(order.items()));
		}
		if (order.total() != null) {
			add(fields, "total", order.total().toPlainString());
		}
		add(fields, "currency", order.currency());
		add(fields, "status", "received");
		add(fields, "receivedAt", receivedAt);
		return fields.toArray(new byte[0][]);
	}

	private static void add(List<byte[]> fields, String name, String value) {
		if (value != null) {
			fields.add(bytes(name));
			fields.add(bytes(value));
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
