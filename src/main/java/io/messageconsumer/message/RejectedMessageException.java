package io.messageconsumer.message;

/**
 * Thrown inside the pipeline when a message can never succeed. It carries the {@code type} and
 * {@code id} the envelope had when they could be read before the message was found wanting, so a
 * message rejected while it was being decoded is still dead-lettered, logged and counted under its
 * type.
 */
public class RejectedMessageException extends RuntimeException {

	private final DeadLetterReason reason;

	private final String type;

	private final String id;

	public RejectedMessageException(DeadLetterReason reason, String detail) {
		this(reason, detail, null, null);
	}

	/**
	 * A rejection of a message whose envelope attributes were (partly) read.
	 * @param reason why
	 * @param detail human-readable detail
	 * @param type the message's {@code type}, or {@code null} when unknown
	 * @param id the message's {@code id}, or {@code null} when unknown
	 */
	public RejectedMessageException(DeadLetterReason reason, String detail, String type, String id) {
		super(detail, null, false, false);
		this.reason = reason;
		this.type = type;
		this.id = id;
	}

	public DeadLetterReason reason() {
		return this.reason;
	}

	/**
	 * The message type read before the rejection.
	 * @return the type, or {@code null}
	 */
	public String type() {
		return this.type;
	}

	/**
	 * The message id read before the rejection.
	 * @return the id, or {@code null}
	 */
	public String id() {
		return this.id;
	}

}
