package io.messageconsumer.routing;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * The one path every source feeds: decode, route, bind and validate, invoke, then tell the
 * listeners the outcome. Nothing a message contains makes it throw.
 */
public class MessagePipeline {

	private static final Log logger = LogFactory.getLog(MessagePipeline.class);

	private final EnvelopeDecoder decoder;

	private final MessageRouter router;

	private final PayloadBinder binder;

	private final HandlerInvoker invoker;

	private final List<PipelineListener> listeners;

	/**
	 * Create the pipeline.
	 * @param decoder decodes raw bytes
	 * @param router finds the handler
	 * @param validator validates payloads
	 * @param invoker calls the handler, with its decorators
	 * @param listeners told about every message and outcome, in this order
	 */
	public MessagePipeline(EnvelopeDecoder decoder, MessageRouter router, jakarta.validation.Validator validator,
			HandlerInvoker invoker, List<PipelineListener> listeners) {
		this.decoder = decoder;
		this.router = router;
		this.binder = new PayloadBinder(decoder.mapper(), validator);
		this.invoker = invoker;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Tell the listeners a message arrived.
	 * @param message the message
	 */
	public void received(InboundMessage message) {
		for (PipelineListener listener : this.listeners) {
			try {
				listener.onReceived(message);
			}
			catch (RuntimeException ex) {
				logger.error("Pipeline listener " + listener.getClass().getName() + " failed", ex);
			}
		}
	}

	/**
	 * Process one message to its outcome, on the calling thread.
	 * @param message the message
	 * @return its disposition
	 */
	public Disposition process(InboundMessage message) {
		Object prepared = decodeAndRoute(message);
		if (prepared instanceof Delivery delivery) {
			return handle(delivery);
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
			MessageHandler<Object> handler = this.router.route(envelope.type());
			return new Delivery(message, envelope, handler, orderingKey(envelope, handler));
		}
		catch (RejectedMessageException ex) {
			return Disposition.rejected(ex.reason(), ex.getMessage(), envelope);
		}
		catch (RuntimeException | Error ex) {
			return Disposition.rejected(RejectReason.INVALID_JSON, LogText.safe(String.valueOf(ex), 900), envelope);
		}
	}

	/**
	 * Bind, validate and invoke the handler of a prepared delivery, and record its outcome.
	 * @param delivery the delivery from {@link #prepare}
	 * @return its disposition
	 */
	public Disposition handle(Delivery delivery) {
		Disposition disposition = execute(delivery);
		complete(delivery.message(), disposition);
		return disposition;
	}

	/**
	 * Record a message that will not be processed (overflow, shutdown) as rejected.
	 * @param message the message
	 * @param reason why
	 * @param detail human-readable detail
	 */
	public void reject(InboundMessage message, RejectReason reason, String detail) {
		complete(message, Disposition.rejected(reason, detail, null));
	}

	/**
	 * Record a prepared delivery that will not be processed (overflow, shutdown, a stuck handler).
	 * @param delivery the delivery
	 * @param disposition its outcome
	 */
	public void settle(Delivery delivery, Disposition disposition) {
		complete(delivery.message(), disposition);
	}

	private static String orderingKey(Envelope envelope, MessageHandler<Object> handler) {
		String member = handler.orderingKey();
		if (member == null) {
			return null;
		}
		JsonNode value = envelope.payload().get(member);
		return (value != null && value.isValueNode() && !value.isNull()) ? value.asString() : null;
	}

	/**
	 * Bind, validate and invoke the handler of a prepared delivery, without recording the outcome;
	 * the caller records it once with {@link #settle}.
	 * @param delivery the delivery from {@link #prepare}
	 * @return its disposition
	 */
	public Disposition execute(Delivery delivery) {
		Envelope envelope = delivery.envelope();
		InboundMessage message = delivery.message();
		try {
			Object payload = this.binder.bind(envelope.payload(), delivery.handler().payloadType());
			MessageContext context = new MessageContext(envelope.type(), envelope.id(), message.source(),
					message.channel(), 1, message.receivedAt());
			HandlerResult result = this.invoker.invoke(delivery.handler(), payload, context);
			Outcome outcome = (result == HandlerResult.DUPLICATE) ? Outcome.DUPLICATE : Outcome.PROCESSED;
			return Disposition.handled(outcome, envelope, 1);
		}
		catch (RejectedMessageException ex) {
			return Disposition.rejected(ex.reason(), ex.getMessage(), envelope);
		}
		catch (HandlerFailedException ex) {
			return Disposition.failed(envelope, LogText.safe(String.valueOf(ex.getCause()), 900), ex.attempts());
		}
		catch (Exception | Error ex) {
			// A decorator threw past the retry: still exactly one outcome.
			return Disposition.failed(envelope, LogText.safe(String.valueOf(ex), 900), 1);
		}
	}

	private void complete(InboundMessage message, Disposition disposition) {
		for (PipelineListener listener : this.listeners) {
			try {
				listener.onOutcome(message, disposition);
			}
			catch (RuntimeException ex) {
				logger.error("Pipeline listener " + listener.getClass().getName() + " failed", ex);
			}
		}
	}

}
