package io.messageconsumer.handler;

/**
 * A handler for one message type: the only thing to write to add a message type.
 * <p>
 * Declare an implementation as a Spring bean; the router finds it by {@link #type()}.
 * The message payload (the JSON object itself, or the CloudEvents {@code data}) is bound to
 * {@link #payloadType()} and validated with Bean Validation before {@link #handle} is
 * called. Returning normally records the message as {@code processed} or {@code duplicate};
 * throwing makes the attempt fail, and it is retried with backoff until the attempts run out.
 *
 * @param <T> the payload record
 */
public interface MessageHandler<T> {

	/**
	 * The JSON {@code type} this handler accepts, matched exactly (case-sensitive).
	 * @return the message type, e.g. {@code order}
	 */
	String type();

	/**
	 * The class the payload is bound to; annotate its components with Bean Validation constraints.
	 * @return the payload class
	 */
	Class<T> payloadType();

	/**
	 * The payload member whose value orders messages: messages with the same value run one at a
	 * time, in the order they arrived; others run in parallel. Messages without the member spread
	 * over all workers.
	 * @return the member name ({@code id} by default), or {@code null} for no ordering at all
	 */
	default String orderingKey() {
		return "id";
	}

	/**
	 * Whether {@link #handle} returns at once, waiting for nothing (no I/O, no lock another thread
	 * holds, no sleep): such a handler may run on the thread that received the message when its
	 * lane is idle, which spares the hand-off to the lane's worker. A handler that can block must
	 * not say so: it would hold up the source's thread (a Redis connection's) for as long.
	 * @return {@code false} by default
	 */
	default boolean isNonBlocking() {
		return false;
	}

	/**
	 * Apply the message.
	 * @param message the bound, validated payload
	 * @param context metadata of the delivery
	 * @return {@link HandlerResult#PROCESSED}, or {@link HandlerResult#DUPLICATE} when this
	 * message was applied before
	 * @throws Exception to fail this attempt; it is retried
	 */
	HandlerResult handle(T message, MessageContext context) throws Exception;

}
