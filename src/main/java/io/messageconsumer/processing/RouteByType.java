package io.messageconsumer.processing;

import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageRouter;

/**
 * Admission step: finds the handler of the message's type (an unknown type is rejected) and the
 * message's ordering key, the payload member the handler names, which chooses its lane.
 */
record RouteByType(MessageRouter router, EnvelopeDecoder decoder) implements Step<Arrival> {

	@Override
	public void apply(Arrival arrival, Chain<Arrival> next) throws Exception {
		arrival.handler = this.router.route(arrival.envelope.type());
		String member = arrival.handler.orderingKey();
		arrival.key = (member != null) ? this.decoder.payloadMemberText(arrival.envelope, member) : null;
		next.proceed(arrival);
	}

}
