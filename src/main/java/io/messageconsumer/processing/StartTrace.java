package io.messageconsumer.processing;

import io.messageconsumer.tracing.MessageTracing;

/**
 * Admission step: starts the trace of a decoded message, a child of the publisher's span when it
 * carried a W3C {@code traceparent}; it runs until the message settles, in scope around each
 * handler attempt ({@link InTraceScope}) and the settlement.
 */
record StartTrace(MessageTracing tracing) implements Step<Arrival> {

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		arrival.trace = this.tracing.start(arrival.message, arrival.envelope.trace());
		next.proceed(arrival);
	}

}
