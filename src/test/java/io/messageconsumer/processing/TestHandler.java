package io.messageconsumer.processing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * A {@link MessageHandler} for unit tests: a type, a payload record and what it does (processed,
 * by default), recording every call before it does it; thread-safe.
 *
 * @param <T> the payload type
 */
public class TestHandler<T> implements MessageHandler<T> {

	private final String type;

	private final Class<T> payloadType;

	private final String orderingKey;

	public final List<T> payloads = new CopyOnWriteArrayList<>();

	public final List<MessageContext> contexts = new CopyOnWriteArrayList<>();

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
		return this.contexts.stream().map(MessageContext::id).toList();
	}

	/**
	 * What the handler does with a message.
	 * @param <T> the payload type
	 */
	@FunctionalInterface
	public interface Behaviour<T> {

		HandlerResult handle(T payload, MessageContext context) throws Exception;

	}

}
