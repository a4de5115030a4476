package io.messageconsumer.processing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.Delivery;

/**
 * One attempt at a routed message through the attempt steps (bind and validate, invoke), or at a
 * batch of them for a {@link BatchMessageHandler} (each bound on its own, then one call), and
 * what comes of it ({@link RetryOrFail}). Records nothing; it tells the observers of each retry,
 * and the lane settles or retries.
 */
final class HandlerAttempts {

	private final Step.Chain<Attempt> steps;

	private final Step.Chain<Attempt> binding;

	private final HandlerInvoker invoker;

	private final RetryOrFail outcomes;

	private final PipelineListener observers;

	/**
	 * Create the attempts.
	 * @param bind the step that binds and validates the payload
	 * @param invoke the step that calls the handler
	 * @param invoker calls a batch handler
	 * @param outcomes what an attempt comes to
	 * @param observers told of each retry
	 */
	HandlerAttempts(BindPayload bind, InvokeHandler invoke, HandlerInvoker invoker, RetryOrFail outcomes,
			PipelineListener observers) {
		this.steps = Step.chain(new InTraceScope(), bind, invoke);
		this.binding = Step.chain(bind);
		this.invoker = invoker;
		this.outcomes = outcomes;
		this.observers = observers;
	}

	AttemptResult attempt(Delivery delivery) {
		if (delivery.attempt() > 1) {
			this.observers.onRetry(delivery.message(), delivery.envelope());
		}
		Attempt attempt = new Attempt(delivery);
		try {
			this.steps.proceed(attempt);
			return this.outcomes.handled(delivery, attempt.result);
		}
		catch (RejectedMessageException ex) {
			return this.outcomes.rejected(delivery, ex);
		}
		catch (Exception | Error ex) {
			return this.outcomes.failed(delivery, ex);
		}
	}

	/**
	 * One attempt at several first deliveries of one batch handler, in one call to it: a payload
	 * that does not bind is rejected on its own, a handler failure fails the attempt of every
	 * message handed over (each is then retried on its own).
	 */
	List<AttemptResult> attemptAll(List<Delivery> deliveries) {
		@SuppressWarnings("unchecked")
		BatchMessageHandler<Object> handler = (BatchMessageHandler<Object>) deliveries.get(0).handler();
		AttemptResult[] results = new AttemptResult[deliveries.size()];
		List<Object> payloads = new ArrayList<>(deliveries.size());
		List<MessageContext> contexts = new ArrayList<>(deliveries.size());
		List<Integer> handed = new ArrayList<>(deliveries.size());
		for (int i = 0; i < deliveries.size(); i++) {
			Attempt attempt = new Attempt(deliveries.get(i));
			try {
				this.binding.proceed(attempt);
				payloads.add(attempt.payload);
				contexts.add(attempt.context());
				handed.add(i);
			}
			catch (RejectedMessageException ex) {
				results[i] = this.outcomes.rejected(attempt.delivery, ex);
			}
			catch (Exception | Error ex) {
				results[i] = this.outcomes.failed(attempt.delivery, ex);
			}
		}
		if (!payloads.isEmpty()) {
			try {
				List<HandlerResult> handled = this.invoker.invokeAll(handler, payloads, contexts);
				for (int j = 0; j < handed.size(); j++) {
					results[handed.get(j)] = this.outcomes.handled(deliveries.get(handed.get(j)), handled.get(j));
				}
			}
			catch (Exception | Error ex) {
				for (int index : handed) {
					results[index] = this.outcomes.failed(deliveries.get(index), ex);
				}
			}
		}
		return Arrays.asList(results);
	}

}
