package io.messageconsumer.message;

/**
 * Thrown inside the pipeline when a message can never succeed.
 */
public class RejectedMessageException extends RuntimeException {

	private final DeadLetterReason reason;

	public RejectedMessageException(DeadLetterReason reason, String detail) {
		super(detail, null, false, false);
		this.reason = reason;
	}

	public DeadLetterReason reason() {
		return this.reason;
	}

}
