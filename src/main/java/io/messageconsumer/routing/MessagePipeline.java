package io.messageconsumer.routing;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
	 * Process one message to its outcome.
	 * @param message the message
	 * @return its disposition
	 */
	public Disposition process(InboundMessage message) {
		Disposition disposition = dispose(message);
		complete(message, disposition);
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

	private Disposition dispose(InboundMessage message) {
		Envelope envelope = null;
		try {
			envelope = this.decoder.decode(message.body());
			MessageHandler<Object> handler = this.router.route(envelope.type());
			Object payload = this.binder.bind(envelope.payload(), handler.payloadType());
			MessageContext context = new MessageContext(envelope.type(), envelope.id(), message.source(),
					message.channel(), 1, message.receivedAt());
			HandlerResult result = this.invoker.invoke(handler, payload, context);
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
			// A decorator or handler threw past the retry: still exactly one outcome.
			return (envelope != null) ? Disposition.failed(envelope, LogText.safe(String.valueOf(ex), 900), 1)
					: Disposition.rejected(RejectReason.INVALID_JSON, LogText.safe(String.valueOf(ex), 900), null);
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
