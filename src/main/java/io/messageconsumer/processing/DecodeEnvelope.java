package io.messageconsumer.processing;

import io.messageconsumer.decode.EnvelopeDecoder;

/**
 * Admission step: decodes the body into an envelope under the parser limits (a message that does
 * not decode is rejected) and tells the observers, on the source's thread, in arrival order.
 */
record DecodeEnvelope(EnvelopeDecoder decoder, Observers observers) implements Step<Arrival> {

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		arrival.envelope = this.decoder.decode(arrival.message.body());
		this.observers.onDecoded(arrival.message, arrival.envelope);
		next.proceed(arrival);
	}

}
