package io.messageconsumer.processing;

import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.tracing.MessageTrace;

/**
 * Attempt step, the outermost: the message's trace is in scope on the worker while its payload is
 * bound and its handler runs, so the handler's own spans are children of the message's and its
 * log lines carry the trace id; a handler failure is recorded on the trace.
 */
record InTraceScope() implements Step<Attempt> {

	@Override
	public void apply(Attempt attempt, Chain<Attempt> next) throws Exception {
		MessageTrace trace = attempt.delivery.trace();
		try (MessageTrace.Scope scope = trace.open()) {
			next.proceed(attempt);
		}
		catch (RejectedMessageException ex) {
			throw ex;
		}
		catch (Exception | Error ex) {
			trace.error(ex);
			throw ex;
		}
	}

}
