package io.messageconsumer.processing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.decode.PayloadBinder;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.processing.failure.DeadLetterRecoverer;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.support.LogText;

/**
 * The one path every source feeds: decode, route, bind and validate, invoke, then tell the
 * listeners the outcome. Nothing a message contains makes it throw.
 */
public class MessagePipeline {

	private final EnvelopeDecoder decoder;

	private final MessageRouter router;

	private final PayloadBinder binder;

	private final HandlerInvoker invoker;

	private final RetryBackOff retryBackOff;

	private final Observers observers;

	private final Settlement settlement;

	/**
	 * Create the pipeline.
	 * @param decoder decodes raw bytes
	 * @param router finds the handler
	 * @param validator validates payloads
	 * @param invoker calls the handler once, with its decorators
	 * @param retryBackOff how often a failing handler is tried, and the backoff in between
	 * @param observers told about every message and outcome, in this order
	 * @param recoverer takes every rejected and failed message
	 */
	public MessagePipeline(EnvelopeDecoder decoder, MessageRouter router, jakarta.validation.Validator validator,
			HandlerInvoker invoker, RetryBackOff retryBackOff, List<? extends PipelineListener> observers,
			DeadLetterRecoverer recoverer) {
		this.decoder = decoder;
		this.router = router;
		this.binder = new PayloadBinder(decoder.mapper(), validator);
		this.invoker = invoker;
		this.retryBackOff = retryBackOff;
		this.observers = new Observers(observers);
		this.settlement = new Settlement(this.observers, recoverer);
	}

	/**
	 * Create a pipeline that records dead letters nowhere (they are acknowledged): for tests.
	 * @param decoder decodes raw bytes
	 * @param router finds the handler
	 * @param validator validates payloads
	 * @param invoker calls the handler once, with its decorators
	 * @param retryBackOff how often a failing handler is tried, and the backoff in between
	 * @param observers told about every message and outcome, in this order
	 */
	public MessagePipeline(EnvelopeDecoder decoder, MessageRouter router, jakarta.validation.Validator validator,
			HandlerInvoker invoker, RetryBackOff retryBackOff, List<? extends PipelineListener> observers) {
		this(decoder, router, validator, invoker, retryBackOff, observers, DeadLetterRecoverer.ACKNOWLEDGE);
	}

	/**
	 * What decides a message's fate once it is over.
	 * @return the settlement
	 */
	public Settlement settlement() {
		return this.settlement;
	}

	/**
	 * Tell the observers a message arrived.
	 * @param message the message
	 */
	public void received(InboundMessage message) {
		this.observers.onReceived(message);
	}

	private void decoded(InboundMessage message, Envelope envelope) {
		this.observers.onDecoded(message, envelope);
	}

	/**
	 * Process one message to its outcome, on the calling thread.
	 * @param message the message
	 * @return its disposition
	 */
	public Disposition process(InboundMessage message) {
		Object prepared = decodeAndRoute(message);
		if (prepared instanceof Delivery delivery) {
			Disposition disposition = runToOutcome(delivery);
			complete(message, disposition);
			return disposition;
		}
		Disposition rejection = (Disposition) prepared;
		complete(message, rejection);
		return rejection;
	}

	/**
	 * Decode and route a message, and find its ordering key; a message that can never succeed
	 * is recorded as rejected here.
	 * @param message the message
	 * @return the delivery, or {@code null} when the message was rejected
	 */
	public Delivery prepare(InboundMessage message) {
		Object prepared = decodeAndRoute(message);
		if (prepared instanceof Delivery delivery) {
			return delivery;
		}
		complete(message, (Disposition) prepared);
		return null;
	}

	/** A {@link Delivery}, or the {@link Disposition} of a message that can never succeed. */
	private Object decodeAndRoute(InboundMessage message) {
		Envelope envelope = null;
		try {
			envelope = this.decoder.decode(message.body());
			decoded(message, envelope);
			MessageHandler<Object> handler = this.router.route(envelope.type());
			return new Delivery(message, envelope, handler, orderingKey(envelope, handler));
		}
		catch (RejectedMessageException ex) {
			return Disposition.rejected(ex.reason(), ex.getMessage(), envelope);
		}
		catch (RuntimeException | Error ex) {
			return Disposition.rejected(DeadLetterReason.INVALID_JSON, LogText.safe(String.valueOf(ex), 900), envelope);
		}
	}

	/**
	 * Record a message that will not be processed (delivered too often, shutdown) as rejected,
	 * with its type and id when its body decodes.
	 * @param message the message
	 * @param reason why
	 * @param detail human-readable detail
	 */
	public void reject(InboundMessage message, DeadLetterReason reason, String detail) {
		complete(message, Disposition.rejected(reason, detail, decodeOrNull(message)));
	}

	/** The envelope, for the type and id of a message rejected undecoded; the listeners are not told. */
	private Envelope decodeOrNull(InboundMessage message) {
		try {
			return this.decoder.decode(message.body());
		}
		catch (RuntimeException | Error ex) {
			return null;
		}
	}


	private String orderingKey(Envelope envelope, MessageHandler<Object> handler) {
		String member = handler.orderingKey();
		return (member != null) ? this.decoder.payloadMemberText(envelope, member) : null;
	}

	/**
	 * Make one attempt at a prepared delivery, without recording anything: the caller records the
	 * final outcome once with {@link #settle}, or tries again after the returned wait.
	 * @param delivery the delivery from {@link #prepare}, or an {@link AttemptResult#retry()}
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

	/**
	 * Run synthetic messages of every handled type through decoding, routing, binding and
	 * validation, but no handler and no listener, so that the JIT has compiled that path before
	 * the first real burst arrives: a cold consumer reads several times slower, and a pub/sub
	 * burst does not wait for it.
	 * @param messagesPerType how many messages of each type
	 * @return how many messages ran
	 */
	public int warmUp(int messagesPerType) {
		int ran = 0;
		for (String type : this.router.types()) {
			MessageHandler<Object> handler = this.router.route(type);
			for (int i = 0; i < messagesPerType; i++) {
				byte[] body = ("{\"type\":\"" + type + "\",\"id\":\"warm-up-" + i
						+ "\",\"time\":\"2026-01-01T00:00:00.000001Z\"}").getBytes(StandardCharsets.UTF_8);
				try {
					Envelope envelope = this.decoder.decode(body);
					orderingKey(envelope, handler);
					this.binder.bind(envelope, handler.payloadType());
				}
				catch (RuntimeException ex) {
					// a type whose payload needs more than an id: the rejection path gets warm instead
				}
				ran++;
			}
		}
		return ran;
	}

	/** Every attempt on the calling thread, waiting out the backoff: for replays and tests. */
	private Disposition runToOutcome(Delivery delivery) {
		Delivery current = delivery;
		while (true) {
			AttemptResult result = attempt(current);
			if (result.disposition() != null) {
				return result.disposition();
			}
			try {
				TimeUnit.NANOSECONDS.sleep(result.retryAfterNanos());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Disposition.failed(current.envelope(), "interrupted while waiting to retry", current.attempt());
			}
			current = result.retry();
		}
	}

	private static String detail(Throwable failure) {
		return LogText.safe(String.valueOf(failure), 900);
	}

	/**
	 * The result of one attempt: the final disposition, or the next attempt and the wait before it.
	 *
	 * @param disposition the final disposition, or {@code null} when another attempt is due
	 * @param retry the next attempt, or {@code null} when there is none
	 * @param retryAfterNanos the wait before the next attempt
	 */
	public record AttemptResult(Disposition disposition, Delivery retry, long retryAfterNanos) {

		static AttemptResult done(Disposition disposition) {
			return new AttemptResult(disposition, null, 0);
		}

		static AttemptResult retryAfter(Delivery retry, long nanos) {
			return new AttemptResult(null, retry, nanos);
		}

	}

	private void complete(InboundMessage message, Disposition disposition) {
		this.settlement.settle(message, disposition);
	}

}
