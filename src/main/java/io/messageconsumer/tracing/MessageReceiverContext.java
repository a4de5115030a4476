package io.messageconsumer.tracing;

import io.micrometer.observation.transport.ReceiverContext;

import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.TraceContext;

/**
 * The observation context of a received message: Micrometer's messaging pattern, whose carrier
 * is the envelope, so that the propagating receiver handler of Micrometer Tracing reads the
 * {@code traceparent} and {@code tracestate} the message carried and makes the publisher's span
 * the parent.
 */
public final class MessageReceiverContext extends ReceiverContext<Envelope> {

	private final InboundMessage message;

	MessageReceiverContext(InboundMessage message, Envelope envelope) {
		super(MessageReceiverContext::header);
		this.message = message;
		setCarrier(envelope);
		setRemoteServiceName("redis");
	}

	/**
	 * The message as received.
	 * @return the message
	 */
	public InboundMessage message() {
		return this.message;
	}

	/** The W3C members the message carried; it carries no other propagation header. */
	private static String header(Envelope envelope, String key) {
		TraceContext trace = envelope.trace();
		if (trace == null) {
			return null;
		}
		return switch (key) {
			case "traceparent" -> trace.traceparent();
			case "tracestate" -> trace.tracestate();
			default -> null;
		};
	}

}
