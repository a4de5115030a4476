package io.messageconsumer.message;

/**
 * The W3C trace context a message carried: the CloudEvents distributed-tracing extension
 * attributes, or the top-level members of the same names in the plain form.
 * <p>
 * The values are kept as the publisher wrote them; whoever continues the trace parses them and
 * ignores a malformed one (W3C Trace Context says to start a new trace then).
 *
 * @param traceparent the {@code traceparent} string, never {@code null}
 * @param tracestate the {@code tracestate} string, or {@code null}
 */
public record TraceContext(String traceparent, String tracestate) {

	/**
	 * The context of a message, or {@code null} when it carried no {@code traceparent}.
	 * @param traceparent the {@code traceparent} member when it is a string, else {@code null}
	 * @param tracestate the {@code tracestate} member when it is a string, else {@code null}
	 * @return the context, or {@code null}
	 */
	public static TraceContext of(String traceparent, String tracestate) {
		return (traceparent != null) ? new TraceContext(traceparent, tracestate) : null;
	}

}
