package io.messageconsumer.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * Handles {@code order} messages: stores each order once in the Redis hash {@code orders:<id>}.
 * <p>
 * The check and the write are one Lua script, so two concurrent deliveries of the same id
 * cannot both apply: the second is reported as a duplicate and changes nothing.
 */
@Component
class OrderHandler implements MessageHandler<OrderMessage> {

	static final String KEY_PREFIX = "orders:";

	private static final RedisScript<Long> INSERT_IF_ABSENT = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			redis.call('HSET', KEYS[1], unpack(ARGV))
			return 1
			""", Long.class);

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
	public HandlerResult handle(OrderMessage order, MessageContext context) {
		Long applied = this.redis.execute(INSERT_IF_ABSENT, List.of(KEY_PREFIX + order.id()), fields(order));
		return (applied != null && applied == 1L) ? HandlerResult.PROCESSED : HandlerResult.DUPLICATE;
	}

	private Object[] fields(OrderMessage order) {
		List<String> fields = new ArrayList<>(14);
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
		add(fields, "receivedAt", Instant.now().toString());
		return fields.toArray();
	}

	private static void add(List<String> fields, String name, String value) {
		if (value != null) {
			fields.add(name);
			fields.add(value);
		}
	}

}
