package io.messageconsumer.handler;

/**
 * What a {@link MessageHandler} reports after applying a message.
 */
public enum HandlerResult {

	/** The message was applied. */
	PROCESSED,

	/** The message had been applied before; nothing changed. */
	DUPLICATE

}
