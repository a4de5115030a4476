package io.messageconsumer.order;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.redis.RedisAsync;

/**
 * Handles {@code order} messages: stores each order once in the Redis hash {@code orders:<id>}.
 * <p>
 * The check and the write are one Lua script, so two concurrent deliveries of the same id
 * cannot both apply: the second is reported as a duplicate and changes nothing. The orders
 * waiting in a lane go to Redis together, on the application's shared connection: one script
 * call for the whole batch (on a cluster, one call per order, pipelined), so a batch costs one
 * round trip rather than one per order. Orders run in arrival order, so a second order with
 * the same id in the same batch is a duplicate too.
 */
@Component
class OrderHandler implements BatchMessageHandler<OrderMessage> {

	static final String KEY_PREFIX = "orders:";

	/**
	 * Stores each order unless its key exists: KEYS are the order keys; ARGV holds, per order, its
	 * field count and then its fields. Returns 1 (stored) or 0 (duplicate) per key, in order.
	 */
	private static final byte[] INSERT_ALL_IF_ABSENT = """
			local results = {}
			local at = 1
			for i, key in ipairs(KEYS) do
				local count = tonumber(ARGV[at])
				if redis.call('EXISTS', key) == 1 then
					results[i] = 0
				else
					redis.call('HSET', key, unpack(ARGV, at + 1, at + count))
					results[i] = 1
				end
				at = at + count + 1
			end
			return results
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

	/**
	 * One script call for the whole batch, so the script runs once rather than once per order; on
	 * a cluster, where the keys of a batch live on different nodes, one call per order, pipelined.
	 */
	private List<HandlerResult> insertAll(RedisConnection connection, List<OrderMessage> orders) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = RedisAsync.commands(connection);
		String receivedAt = Instant.now().toString();
		List<List<OrderMessage>> calls = (connection instanceof RedisClusterConnection)
				? orders.stream().map(List::of).toList() : List.of(orders);
		List<RedisFuture<List<Long>>> replies = new ArrayList<>(calls.size());
		for (List<OrderMessage> call : calls) {
			replies.add(insert(commands, call, receivedAt));
		}
		List<HandlerResult> results = new ArrayList<>(orders.size());
		for (List<Long> call : RedisAsync.awaitAll(replies, REPLY_TIMEOUT)) {
			for (Long applied : call) {
				results.add((applied != null && applied == 1L) ? HandlerResult.PROCESSED : HandlerResult.DUPLICATE);
			}
		}
		return results;
	}

	private RedisFuture<List<Long>> insert(RedisClusterAsyncCommands<byte[], byte[]> commands, List<OrderMessage> orders,
			String receivedAt) {
		byte[][] keys = new byte[orders.size()][];
		List<byte[]> arguments = new ArrayList<>(orders.size() * 15);
		for (int i = 0; i < orders.size(); i++) {
			OrderMessage order = orders.get(i);
			keys[i] = bytes(KEY_PREFIX + order.id());
			byte[][] fields = fields(order, receivedAt);
			arguments.add(bytes(Integer.toString(fields.length)));
			arguments.addAll(List.of(fields));
		}
		return commands.eval(INSERT_ALL_IF_ABSENT, ScriptOutputType.MULTI, keys, arguments.toArray(new byte[0][]));
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
