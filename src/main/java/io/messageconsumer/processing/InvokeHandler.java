package io.messageconsumer.processing;

import io.messageconsumer.processing.invoke.HandlerInvoker;

/**
 * Attempt step: calls the handler once through the invoker (with its decorators: the handler
 * timeout); what it throws fails the attempt.
 */
record InvokeHandler(HandlerInvoker invoker) implements Step<Attempt> {

	@Override
	public void apply(Attempt attempt, Chain<Attempt> next) throws Exception {
		attempt.result = this.invoker.invoke(attempt.delivery.handler(), attempt.payload, attempt.context());
		next.proceed(attempt);
	}

}
