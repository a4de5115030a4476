package io.messageconsumer.processing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.decode.PayloadBinder;
import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.support.LogText;

/**
 * One attempt at a routed message, or at a batch of them for a {@link BatchMessageHandler}: bind
 * and validate the payload, call the handler through the invoker, and say what comes of it: an
 * outcome, or the next attempt after its backoff. Records nothing; the caller settles.
 */
public final class HandlerAttempts {

	private final PayloadBinder binder;

	private final HandlerInvoker invoker;

	private final RetryBackOff retryBackOff;

	/**
	 * Create the attempts.
	 * @param binder binds and validates payloads
	 * @param invoker calls the handler once, with its decorators
	 * @param retryBackOff how often a failing handler is tried, and the waits in between
	 */
	public HandlerAttempts(PayloadBinder binder, HandlerInvoker invoker, RetryBackOff retryBackOff) {
		this.binder = binder;
		this.invoker = invoker;
		this.retryBackOff = retryBackOff;
	}

	/**
	 * Make one attempt at a prepared delivery, without recording anything: the caller records the
	 * final outcome, or tries again after the returned wait.
	 * @param delivery the delivery from {@link MessagePipeline#prepare}, or an {@link AttemptResult#retry()}
	 * @return the final disposition, or the next attempt and when to make it
	 */
	public AttemptResult attempt(Delivery delivery) {
		Envelope envelope = delivery.envelope();
		try {
			Object payload = this.binder.bind(envelope, delivery.handler().payloadType());
			HandlerResult result = this.invoker.invoke(delivery.handler(), payload, context(delivery));
			Outcome outcome = (result == HandlerResult.DUPLICATE) ? Outcome.DUPLICATE : Outcome.PROCESSED;
			return AttemptResult.done(Disposition.handled(outcome, envelope, delivery.attempt()));
		}
		catch (RejectedMessageException ex) {
			return AttemptResult.done(Disposition.rejected(ex.reason(), ex.getMessage(), envelope));
		}
		catch (Exception | Error ex) {
			return failure(delivery, ex);
		}
	}

	/**
	 * Make one attempt at several prepared deliveries of one {@link BatchMessageHandler}, in one
	 * call to it: a payload that does not bind is rejected on its own, a handler failure fails
	 * the attempt of every message handed over (each is then retried on its own).
	 * @param deliveries first attempts of messages of one batch handler, in arrival order
	 * @return one result per delivery, at the same index
	 */
	public List<AttemptResult> attemptAll(List<Delivery> deliveries) {
		@SuppressWarnings("unchecked")
		BatchMessageHandler<Object> handler = (BatchMessageHandler<Object>) deliveries.get(0).handler();
		AttemptResult[] results = new AttemptResult[deliveries.size()];
		List<Object> payloads = new ArrayList<>(deliveries.size());
		List<MessageContext> contexts = new ArrayList<>(deliveries.size());
		List<Integer> handed = new ArrayList<>(deliveries.size());
		for (int i = 0; i < deliveries.size(); i++) {
			Delivery delivery = deliveries.get(i);
			Envelope envelope = delivery.envelope();
			try {
				payloads.add(this.binder.bind(envelope, handler.payloadType()));
				contexts.add(context(delivery));
				handed.add(i);
			}
			catch (RejectedMessageException ex) {
				results[i] = AttemptResult.done(Disposition.rejected(ex.reason(), ex.getMessage(), envelope));
			}
		}
		if (!payloads.isEmpty()) {
			try {
				List<HandlerResult> handled = this.invoker.invokeAll(handler, payloads, contexts);
				for (int j = 0; j < handed.size(); j++) {
					Delivery delivery = deliveries.get(handed.get(j));
					Outcome outcome = (handled.get(j) == HandlerResult.DUPLICATE) ? Outcome.DUPLICATE : Outcome.PROCESSED;
					results[handed.get(j)] = AttemptResult
						.done(Disposition.handled(outcome, delivery.envelope(), delivery.attempt()));
				}
			}
			catch (Exception | Error ex) {
				for (int index : handed) {
					results[index] = failure(deliveries.get(index), ex);
				}
			}
		}
		return Arrays.asList(results);
	}

	private static MessageContext context(Delivery delivery) {
		InboundMessage message = delivery.message();
		Envelope envelope = delivery.envelope();
		return new MessageContext(envelope.type(), envelope.id(), message.source(), message.channel(),
				delivery.attempt(), message.receivedAt());
	}

	/** A failed attempt: retried after a backoff while attempts are left, unless it was interrupted. */
	private AttemptResult failure(Delivery delivery, Throwable ex) {
		if (ex instanceof Error && !(ex instanceof StackOverflowError)) {
			// Not worth retrying (a broken class, an assertion): fail the message now.
			return AttemptResult.done(Disposition.failed(delivery.envelope(), detail(ex), delivery.attempt()));
		}
		boolean interrupted = ex instanceof InterruptedException || Thread.currentThread().isInterrupted();
		BackOffExecution backOff = (delivery.backOff() != null) ? delivery.backOff() : this.retryBackOff.start();
		long backoffMillis = interrupted ? BackOffExecution.STOP : backOff.nextBackOff();
		return (backoffMillis != BackOffExecution.STOP)
				? AttemptResult.retryAfter(delivery.nextAttempt(backOff), TimeUnit.MILLISECONDS.toNanos(backoffMillis))
				: AttemptResult.done(Disposition.failed(delivery.envelope(), detail(ex), delivery.attempt()));
	}

	private static String detail(Throwable failure) {
		return LogText.safe(String.valueOf(failure), 900);
	}

}
