package io.messageconsumer.message;

/**
 * How a source learns what became of a message: acknowledged once its outcome is recorded, or
 * released when it will not be processed here. A source that keeps messages until they are
 * acknowledged (a stream consumer group) then delivers a released one again, here or on another
 * replica; a source that keeps nothing (pub/sub) supplies {@link #NONE}.
 */
public interface Acknowledgement {

	/** The acknowledgement of a source that keeps nothing: there is nothing to tell it. */
	Acknowledgement NONE = new Acknowledgement() {

		@Override
		public void acknowledge() {
		}

		@Override
		public void release() {
		}

		@Override
		public boolean redelivers() {
			return false;
		}

		@Override
		public String toString() {
			return "Acknowledgement.NONE";
		}

	};

	/** The message's outcome is recorded (handled, or written to the dead-letter stream). */
	void acknowledge();

	/** The message was not processed here (shutdown, or its dead letter could not be written). */
	void release();

	/**
	 * Whether the source delivers the message again unless it is acknowledged: such a message is
	 * released, not dead-lettered, when it cannot be processed here (overflow, shutdown).
	 * @return {@code true} unless this is {@link #NONE}
	 */
	default boolean redelivers() {
		return true;
	}

}
