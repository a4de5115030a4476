package io.messageconsumer.processing;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.decode.PayloadBinder;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
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

	private final HandlerAttempts attempts;

	private final PipelineWarmUp warmUp;

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
		PayloadBinder binder = new PayloadBinder(decoder.mapper(), validator);
		this.attempts = new HandlerAttempts(binder, invoker, retryBackOff);
		this.warmUp = new PipelineWarmUp(decoder, router, binder);
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
	 * Make one attempt at a prepared delivery, without recording anything: the caller settles the
	 * final outcome, or tries again after the returned wait.
	 * @param delivery the delivery from {@link #prepare}, or an {@link AttemptResult#retry()}
	 * @return the final disposition, or the next attempt and when to make it
	 */
	public AttemptResult attempt(Delivery delivery) {
		return this.attempts.attempt(delivery);
	}

	/**
	 * Make one attempt at several prepared deliveries of one batch handler, in one call to it.
	 * @param deliveries first attempts of messages of one batch handler, in arrival order
	 * @return one result per delivery, at the same index
	 * @see HandlerAttempts#attemptAll(List)
	 */
	public List<AttemptResult> attemptAll(List<Delivery> deliveries) {
		return this.attempts.attemptAll(deliveries);
	}

	/**
	 * The warm-up of this pipeline's decoding, routing, binding and validation.
	 * @return the warm-up
	 */
	public PipelineWarmUp warmUp() {
		return this.warmUp;
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

	private void complete(InboundMessage message, Disposition disposition) {
		this.settlement.settle(message, disposition);
	}

}
