package io.messageconsumer.message;

/**
 * Thrown inside the pipeline when a message can never succeed. It carries the {@code type},
 * {@code id} and trace context the envelope had when they could be read before the message was
 * found wanting, so a message rejected while it was being decoded is still dead-lettered, logged,
 * counted and traced under them.
 */
public class RejectedMessageException extends RuntimeException {

	private final DeadLetterReason reason;

	private final String type;

	private final String id;

	private final TraceContext trace;

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
		this(reason, detail, type, id, null);
	}

	private RejectedMessageException(DeadLetterReason reason, String detail, String type, String id,
			TraceContext trace) {
		super(detail, null, false, false);
		this.reason = reason;
		this.type = type;
		this.id = id;
		this.trace = trace;
	}

	/**
	 * This rejection, of a message that also carried a trace context.
	 * @param trace the W3C trace context the message carried, or {@code null}
	 * @return a rejection with the same reason, detail, type and id, and the trace context
	 */
	public RejectedMessageException withTrace(TraceContext trace) {
		return (trace != null) ? new RejectedMessageException(this.reason, getMessage(), this.type, this.id, trace) : this;
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

	/**
	 * The W3C trace context read before the rejection, so the message's trace goes on even when
	 * its data is wrong.
	 * @return the context, or {@code null}
	 */
	public TraceContext trace() {
		return this.trace;
	}

	/**
	 * Whether any of the envelope's attributes (type, id, trace context) were read before the
	 * rejection: the message is an envelope with something wrong in it, not unreadable bytes.
	 * @return {@code true} when the type, id or trace context is known
	 */
	public boolean hasEnvelopeAttributes() {
		return this.type != null || this.id != null || this.trace != null;
	}

}
