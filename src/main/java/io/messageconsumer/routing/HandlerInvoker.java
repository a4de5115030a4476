package io.messageconsumer.routing;

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

}
