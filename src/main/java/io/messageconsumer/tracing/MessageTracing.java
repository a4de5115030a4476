package io.messageconsumer.tracing;

import java.util.Set;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

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

	private final Set<String> handledTypes;

	/**
	 * Trace messages as observations of a registry.
	 * @param registry the registry; {@link ObservationRegistry#NOOP} for tracing off
	 */
	public MessageTracing(ObservationRegistry registry) {
		this(registry, Set.of());
	}

	private MessageTracing(ObservationRegistry registry, Set<String> handledTypes) {
		this.registry = registry;
		this.handledTypes = handledTypes;
	}

	/**
	 * This tracing, tagging spans with these types and any other as {@code unknown}, so the
	 * {@code type} tag (a low-cardinality key value, also a timer tag) takes bounded values only.
	 * @param types the types that have a handler
	 * @return the tracing for those types
	 */
	public MessageTracing forTypes(Set<String> types) {
		return new MessageTracing(this.registry, Set.copyOf(types));
	}

	/**
	 * Start the trace of a message whose envelope could be read (it may still be rejected).
	 * @param message the message as received
	 * @param trace the publisher's trace context, or {@code null} when the message carried none
	 * @return the started trace, to stop when the message settles or is released
	 */
	public MessageTrace start(InboundMessage message, TraceContext trace) {
		if (this.registry.isNoop()) {
			return carried(trace);
		}
		Observation observation = Observation.createNotStarted(ObservedMessage.NAME,
				() -> new MessageReceiverContext(message, trace), this.registry);
		if (observation.isNoop()) {
			return carried(trace); // turned off by an ObservationPredicate (management.observations.enable.*)
		}
		try {
			return new ObservedMessage(this.handledTypes, observation.contextualName("process " + message.subscription())
				.lowCardinalityKeyValue(ObservedMessage.SOURCE, message.source())
				.highCardinalityKeyValue(ObservedMessage.CHANNEL, message.channel())
				.start());
		}
		catch (RuntimeException ex) {
			// The context is the publisher's text: whatever a propagator makes of it, the message goes on.
			return carried(trace);
		}
	}

	private static MessageTrace carried(TraceContext trace) {
		return (trace != null) ? CarriedTraceId.of(trace.traceparent()) : MessageTrace.NONE;
	}

}
