package io.messageconsumer.decode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.support.LogText;

/**
 * Finds the {@link MessageHandler} for a message type: an immutable map built once at start-up.
 */
public class MessageRouter {

	private final Map<String, MessageHandler<?>> handlers;

	/**
	 * Build the routing table.
	 * @param handlersByBeanName every handler bean, keyed by bean name
	 * @throws IllegalStateException when two handlers declare the same type, naming both beans
	 */
	public MessageRouter(Map<String, ? extends MessageHandler<?>> handlersByBeanName) {
		Map<String, MessageHandler<?>> byType = new LinkedHashMap<>();
		Map<String, String> beanByType = new LinkedHashMap<>();
		handlersByBeanName.forEach((beanName, handler) -> {
			String type = handler.type();
			if (type == null || type.isBlank()) {
				throw new IllegalStateException("Handler bean '" + beanName + "' declares a blank type");
			}
			String other = beanByType.putIfAbsent(type, beanName);
			if (other != null) {
				throw new IllegalStateException("Handler beans '" + other + "' and '" + beanName
						+ "' both declare message type '" + type + "'; a type must have exactly one handler");
			}
			byType.put(type, handler);
		});
		this.handlers = Map.copyOf(byType);
	}

	/**
	 * The types that have a handler.
	 * @return the known types
	 */
	public Set<String> types() {
		return this.handlers.keySet();
	}

	/**
	 * Whether a type has a handler.
	 * @param type the message type
	 * @return {@code true} when a handler exists
	 */
	public boolean isKnown(String type) {
		return type != null && this.handlers.containsKey(type);
	}

	@SuppressWarnings("unchecked")
	public MessageHandler<Object> route(String type) {
		MessageHandler<?> handler = this.handlers.get(type);
		if (handler == null) {
			throw new RejectedMessageException(DeadLetterReason.UNKNOWN_TYPE,
					"no handler for type '" + LogText.safe(type, 64) + "'");
		}
		return (MessageHandler<Object>) handler;
	}

}
