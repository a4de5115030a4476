package io.messageconsumer.tracing;

import org.slf4j.MDC;

/**
 * The trace of a message when tracing is off: no span, only the trace id of the W3C
 * {@code traceparent} the message carried, in the logging MDC while the message is in scope, so
 * the log lines about it can be found beside the publisher's.
 */
final class CarriedTraceId implements MessageTrace {

	/** The MDC key Micrometer Tracing uses, and Boot's log correlation and structured formats show. */
	static final String MDC_KEY = "traceId";

	private final String traceId;

	private CarriedTraceId(String traceId) {
		this.traceId = traceId;
	}

	/**
	 * The trace id of a {@code traceparent}, in the MDC while in scope.
	 * @param traceparent the header as the message carried it
	 * @return the trace, or {@link MessageTrace#NONE} when the header is malformed
	 */
	static MessageTrace of(String traceparent) {
		String traceId = traceId(traceparent);
		return (traceId != null) ? new CarriedTraceId(traceId) : NONE;
	}

	/**
	 * The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}).
	 * @param traceparent the header
	 * @return the 32 lower-case hex digits, or {@code null} when malformed or all zero
	 */
	static String traceId(String traceparent) {
		if (traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
				|| traceparent.charAt(52) != '-') {
			return null;
		}
		boolean zero = true;
		for (int i = 3; i < 35; i++) {
			char c = traceparent.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return null;
			}
			zero &= (c == '0');
		}
		return zero ? null : traceparent.substring(3, 35);
	}

	@Override
	public Scope open() {
		MDC.put(MDC_KEY, this.traceId);
		return () -> MDC.remove(MDC_KEY);
	}

}
