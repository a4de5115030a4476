package io.messageconsumer.tracing;

import io.micrometer.observation.transport.ReceiverContext;

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.TraceContext;

/**
 * The observation context of a received message: Micrometer's messaging pattern, whose carrier
 * is the trace context the message carried ({@code null} when none), so that the propagating receiver handler of Micrometer Tracing reads the
 * {@code traceparent} and {@code tracestate} the message carried and makes the publisher's span
 * the parent.
 */
public final class MessageReceiverContext extends ReceiverContext<TraceContext> {

	private final InboundMessage message;

	MessageReceiverContext(InboundMessage message, TraceContext trace) {
		super(MessageReceiverContext::header);
		this.message = message;
		setCarrier(trace);
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
	private static String header(TraceContext trace, String key) {
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
