package io.messageconsumer.message;

/**
 * How a source that keeps messages until they are acknowledged (a stream consumer group) learns
 * what became of one: acknowledged once its outcome is recorded, or released when it will not
 * be processed here, so that it is delivered again, here or on another replica.
 */
public interface Acknowledgement {

	/** The message's outcome is recorded (handled, or written to the dead-letter stream). */
	void acknowledge();

	/** The message was not processed here (shutdown, or its dead letter could not be written). */
	void release();

}
