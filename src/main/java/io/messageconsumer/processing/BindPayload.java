package io.messageconsumer.processing;

import io.messageconsumer.decode.PayloadBinder;

/**
 * Attempt step: binds the payload to the handler's record and validates it (Bean Validation); a
 * payload that does not bind or is invalid is rejected.
 */
record BindPayload(PayloadBinder binder) implements Step<Attempt> {

	@Override
	public void apply(Attempt attempt, Chain<Attempt> next) throws Exception {
		attempt.payload = this.binder.bind(attempt.delivery.envelope(), attempt.delivery.handler().payloadType());
		next.proceed(attempt);
	}

}
