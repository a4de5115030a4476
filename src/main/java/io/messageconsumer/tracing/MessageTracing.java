package io.messageconsumer.tracing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.TraceContext;

/**
 * Starts the trace of each decoded message: an observation of the registry when tracing is on
 * (a child of the publisher's span when the message carried a {@code traceparent}, a new trace
 * otherwise); when it is off, only the carried trace id for the log lines, and nothing at all for
 * a message without one.
 */
public final class MessageTracing {

	/** Tracing off: no observation, the carried trace id in the log lines only. */
	public static final MessageTracing OFF = new MessageTracing(ObservationRegistry.NOOP);

	private final ObservationRegistry registry;

	/**
	 * Trace messages as observations of a registry.
	 * @param registry the registry; {@link ObservationRegistry#NOOP} for tracing off
	 */
	public MessageTracing(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Start the trace of a message that decoded.
	 * @param message the message as received
	 * @param envelope its envelope, carrying the publisher's trace context or not
	 * @return the started trace, to stop when the message settles or is released
	 */
	public MessageTrace start(InboundMessage message, Envelope envelope) {
		if (this.registry.isNoop()) {
			return carried(envelope);
		}
		Observation observation = Observation.createNotStarted(ObservedMessage.NAME,
				() -> new MessageReceiverContext(message, envelope), this.registry);
		if (observation.isNoop()) {
			return carried(envelope); // turned off by an ObservationPredicate (management.observations.enable.*)
		}
		try {
			return new ObservedMessage(observation.contextualName("process " + message.subscription())
				.lowCardinalityKeyValue(ObservedMessage.SOURCE, message.source())
				.highCardinalityKeyValue(ObservedMessage.CHANNEL, message.channel())
				.start());
		}
		catch (RuntimeException ex) {
			// The context is the publisher's text: whatever a propagator makes of it, the message goes on.
			return carried(envelope);
		}
	}

	private static MessageTrace carried(Envelope envelope) {
		TraceContext trace = envelope.trace();
		return (trace != null) ? CarriedTraceId.of(trace.traceparent()) : MessageTrace.NONE;
	}

}
