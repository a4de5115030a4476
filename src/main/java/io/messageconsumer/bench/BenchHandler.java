package io.messageconsumer.bench;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * The {@code bench} type: does nothing, so that a benchmark measures the pipeline's own cost
 * (decode, route, bind, validate, dispatch, metrics). Only with the {@code bench} profile.
 */
@Component
@Profile("bench")
class BenchHandler implements MessageHandler<BenchHandler.BenchMessage> {

	@Override
	public String type() {
		return "bench";
	}

	@Override
	public Class<BenchMessage> payloadType() {
		return BenchMessage.class;
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	@Override
	public HandlerResult handle(BenchMessage message, MessageContext context) {
		return HandlerResult.PROCESSED;
	}

	/**
	 * The payload of a {@code bench} message.
	 * @param id the message id
	 */
	record BenchMessage(String id) {
	}

}
