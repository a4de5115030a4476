package io.messageconsumer.processing.invoke;

import java.util.List;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * Calls a handler; decorators add retry and other concerns around the call.
 */
@FunctionalInterface
public interface HandlerInvoker {

	/** Invokes the handler directly, with no decoration. */
	HandlerInvoker DIRECT = (handler, payload, context) -> {
		HandlerResult result = handler.handle(payload, context);
		return (result != null) ? result : HandlerResult.PROCESSED;
	};

	/**
	 * Invoke the handler once or more.
	 * @param handler the handler
	 * @param payload the bound, validated payload
	 * @param context the delivery metadata of the first attempt
	 * @return the handler's result
	 * @throws Exception when the handler failed
	 */
	HandlerResult invoke(MessageHandler<Object> handler, Object payload, MessageContext context) throws Exception;

	/**
	 * Invoke a batch handler once for several messages.
	 * @param handler the handler
	 * @param payloads the bound, validated payloads
	 * @param contexts the delivery metadata of each
	 * @return one result per message
	 * @throws Exception when the handler failed
	 */
	default List<HandlerResult> invokeAll(BatchMessageHandler<Object> handler, List<Object> payloads,
			List<MessageContext> contexts) throws Exception {
		List<HandlerResult> results = handler.handleAll(payloads, contexts);
		if (results == null || results.size() != payloads.size()) {
			throw new IllegalStateException("handler for type '" + handler.type() + "' returned "
					+ ((results != null) ? results.size() : "no") + " results for " + payloads.size() + " messages");
		}
		return results;
	}

}
