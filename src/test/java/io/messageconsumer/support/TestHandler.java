package io.messageconsumer.support;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * A handler of a test's own, written as a lambda: the type, payload class and ordering key given
 * once. A test class annotated {@link TestHandlers} keeps it in a static field, and the service
 * gets it as a bean.
 *
 * @param <T> the payload type
 */
public final class TestHandler<T> implements MessageHandler<T> {

	private final String type;

	private final Class<T> payloadType;

	private final String orderingKey;

	private final Body<T> body;

	private TestHandler(String type, Class<T> payloadType, String orderingKey, Body<T> body) {
		this.type = type;
		this.payloadType = payloadType;
		this.orderingKey = orderingKey;
		this.body = body;
	}

	/**
	 * A handler ordered by {@code id}.
	 * @param <T> the payload type
	 * @param type the message type it handles
	 * @param payloadType the payload class
	 * @param body what it does with a message
	 * @return the handler
	 */
	public static <T> TestHandler<T> of(String type, Class<T> payloadType, Body<T> body) {
		return new TestHandler<>(type, payloadType, "id", body);
	}

	/**
	 * A handler ordered by a field of its own.
	 * @param <T> the payload type
	 * @param type the message type it handles
	 * @param payloadType the payload class
	 * @param orderingKey the field that orders its messages
	 * @param body what it does with a message
	 * @return the handler
	 */
	public static <T> TestHandler<T> of(String type, Class<T> payloadType, String orderingKey, Body<T> body) {
		return new TestHandler<>(type, payloadType, orderingKey, body);
	}

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public Class<T> payloadType() {
		return this.payloadType;
	}

	@Override
	public String orderingKey() {
		return this.orderingKey;
	}

	@Override
	public HandlerResult handle(T message, MessageContext context) throws Exception {
		return this.body.handle(message, context);
	}

	/**
	 * What a test handler does with a message.
	 *
	 * @param <T> the payload type
	 */
	@FunctionalInterface
	public interface Body<T> {

		/**
		 * Handle a message.
		 * @param message the payload
		 * @param context the message's context
		 * @return the outcome
		 * @throws Exception when handling fails
		 */
		HandlerResult handle(T message, MessageContext context) throws Exception;

	}

}
