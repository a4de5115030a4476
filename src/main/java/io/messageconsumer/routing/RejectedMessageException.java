package io.messageconsumer.routing;

/**
 * Thrown inside the pipeline when a message can never succeed.
 */
class RejectedMessageException extends RuntimeException {

	private final RejectReason reason;

	RejectedMessageException(RejectReason reason, String detail) {
		super(detail, null, false, false);
		this.reason = reason;
	}

	RejectReason reason() {
		return this.reason;
	}

}
