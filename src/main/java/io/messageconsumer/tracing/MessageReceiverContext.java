package io.messageconsumer.tracing;

import io.micrometer.observation.transport.ReceiverContext;

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.TraceContext;

/**
 * The observation context of a received message: Micrometer's messaging pattern, so that the
 * propagating receiver handler of Micrometer Tracing reads the {@code traceparent} and
 * {@code tracestate} the message carried and makes the publisher's span the parent. The carrier
 * is the context itself, never {@code null} (propagators refuse a null carrier), holding the trace
 * context the message carried or none.
 */
public final class MessageReceiverContext extends ReceiverContext<MessageReceiverContext> {

	private final InboundMessage message;

	private final TraceContext trace;

	MessageReceiverContext(InboundMessage message, TraceContext trace) {
		super(MessageReceiverContext::header);
		this.message = message;
		this.trace = trace;
		setCarrier(this);
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
	private static String header(MessageReceiverContext carrier, String key) {
		TraceContext trace = carrier.trace;
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
