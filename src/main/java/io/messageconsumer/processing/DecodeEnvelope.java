package io.messageconsumer.processing;

import io.messageconsumer.decode.EnvelopeDecoder;

/**
 * Admission step: decodes the body into an envelope under the parser limits (a message that does
 * not decode is rejected) and tells the observers, on the source's thread, in arrival order.
 */
final class DecodeEnvelope implements Step<Arrival> {

	private final EnvelopeDecoder decoder;

	private final Observers observers;

	DecodeEnvelope(EnvelopeDecoder decoder, Observers observers) {
		this.decoder = decoder;
		this.observers = observers;
	}

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		arrival.envelope = this.decoder.decode(arrival.message.body());
		this.observers.onDecoded(arrival.message, arrival.envelope);
		next.proceed(arrival);
	}

}
