package io.messageconsumer.handler;

import java.util.List;

/**
 * A {@link MessageHandler} that can apply several messages of its type in one go, e.g. one
 * pipelined round trip to Redis for many messages instead of one each.
 * <p>
 * A lane's worker hands it the messages waiting in its lane at that moment (up to
 * {@link #maxBatchSize()}), in arrival order, so messages with the same ordering key stay in
 * order within the batch. Each message still gets its own outcome: {@link #handleAll} returns
 * one result per message. Throwing fails the attempt of every message in the batch; each is
 * then retried on its own, through {@link #handle}.
 *
 * @param <T> the payload record
 */
public interface BatchMessageHandler<T> extends MessageHandler<T> {

	/**
	 * Apply messages, in order.
	 * @param messages the bound, validated payloads, in arrival order
	 * @param contexts the delivery metadata of each, at the same index
	 * @return one result per message, at the same index
	 * @throws Exception to fail the attempt of every message in the batch
	 */
	List<HandlerResult> handleAll(List<T> messages, List<MessageContext> contexts) throws Exception;

	/**
	 * The most messages handed over at once.
	 * @return the batch size limit, 256 by default
	 */
	default int maxBatchSize() {
		return 256;
	}

	@Override
	default HandlerResult handle(T message, MessageContext context) throws Exception {
		return handleAll(List.of(message), List.of(context)).get(0);
	}

}
