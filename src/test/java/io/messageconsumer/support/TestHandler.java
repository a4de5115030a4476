package io.messageconsumer.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * A handler of a test's own: a type, a payload record, an ordering key ({@code id} unless given)
 * and what it does, written as a lambda (processed, by default). It records every call before it
 * does it; thread-safe. A unit test hands it to the processor fixture; a Spring test annotated
 * {@link TestHandlers} keeps it in a static field, and the service gets it as a bean.
 *
 * @param <T> the payload type
 */
public class TestHandler<T> implements MessageHandler<T> {

	private final String type;

	private final Class<T> payloadType;

	private final String orderingKey;

	public final List<T> payloads = Collections.synchronizedList(new ArrayList<>());

	public final List<MessageContext> contexts = Collections.synchronizedList(new ArrayList<>());

	public volatile Behaviour<T> behaviour;

	public TestHandler(String type, Class<T> payloadType) {
		this(type, payloadType, (payload, context) -> HandlerResult.PROCESSED);
	}

	public TestHandler(String type, Class<T> payloadType, Behaviour<T> behaviour) {
		this(type, payloadType, "id", behaviour);
	}

	public TestHandler(String type, Class<T> payloadType, String orderingKey, Behaviour<T> behaviour) {
		this.type = type;
		this.payloadType = payloadType;
		this.orderingKey = orderingKey;
		this.behaviour = behaviour;
	}

	/**
	 * A handler ordered by {@code id}.
	 * @param <T> the payload type
	 * @param type the message type it handles
	 * @param payloadType the payload class
	 * @param behaviour what it does with a message
	 * @return the handler
	 */
	public static <T> TestHandler<T> of(String type, Class<T> payloadType, Behaviour<T> behaviour) {
		return new TestHandler<>(type, payloadType, behaviour);
	}

	/**
	 * A handler ordered by a field of its own.
	 * @param <T> the payload type
	 * @param type the message type it handles
	 * @param payloadType the payload class
	 * @param orderingKey the field that orders its messages
	 * @param behaviour what it does with a message
	 * @return the handler
	 */
	public static <T> TestHandler<T> of(String type, Class<T> payloadType, String orderingKey, Behaviour<T> behaviour) {
		return new TestHandler<>(type, payloadType, orderingKey, behaviour);
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
	public HandlerResult handle(T payload, MessageContext context) throws Exception {
		this.payloads.add(payload);
		this.contexts.add(context);
		return this.behaviour.handle(payload, context);
	}

	/** How many times it was called. */
	public int calls() {
		return this.contexts.size();
	}

	/** The message ids it was called with, in order. */
	public List<String> ids() {
		synchronized (this.contexts) {
			return this.contexts.stream().map(MessageContext::id).toList();
		}
	}

	/**
	 * What a test handler does with a message.
	 * @param <T> the payload type
	 */
	@FunctionalInterface
	public interface Behaviour<T> {

		/**
		 * Handle a message.
		 * @param payload the payload
		 * @param context the message's context
		 * @return the outcome
		 * @throws Exception when handling fails
		 */
		HandlerResult handle(T payload, MessageContext context) throws Exception;

	}

}
