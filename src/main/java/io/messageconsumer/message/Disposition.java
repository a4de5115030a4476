package io.messageconsumer.message;

import java.time.Instant;

/**
 * How the pipeline disposed of one message: its outcome, and why when it was dead-lettered.
 *
 * @param outcome the outcome
 * @param reason the reason code for rejected and failed messages, otherwise {@code null}
 * @param detail human-readable detail for rejected and failed messages, otherwise {@code null}
 * @param type the message type when it could be read, otherwise {@code null}
 * @param id the message id when it could be read, otherwise {@code null}
 * @param time the publication time the message carried, or {@code null}
 * @param attempts handler attempts made
 */
public record Disposition(Outcome outcome, DeadLetterReason reason, String detail, String type, String id,
		Instant time, int attempts) {

	public static Disposition handled(Outcome outcome, Envelope envelope, int attempts) {
		return new Disposition(outcome, null, null, envelope.type(), envelope.id(), envelope.time(), attempts);
	}

	public static Disposition failed(Envelope envelope, String detail, int attempts) {
		return new Disposition(Outcome.FAILED, DeadLetterReason.HANDLER_FAILED, detail, envelope.type(), envelope.id(),
				envelope.time(), attempts);
	}

	/**
	 * A rejected message.
	 * @param reason why
	 * @param detail human-readable detail
	 * @param envelope the decoded envelope, or {@code null} when decoding failed
	 * @return the disposition
	 */
	public static Disposition rejected(DeadLetterReason reason, String detail, Envelope envelope) {
		return (envelope != null)
				? new Disposition(Outcome.REJECTED, reason, detail, envelope.type(), envelope.id(), envelope.time(), 0)
				: new Disposition(Outcome.REJECTED, reason, detail, null, null, null, 0);
	}

	/**
	 * A message rejected by a step: its type and id from the envelope, or, when it was rejected
	 * while being decoded, those the rejection could read.
	 * @param rejection why
	 * @param envelope the decoded envelope, or {@code null} when decoding failed
	 * @return the disposition
	 */
	public static Disposition rejected(RejectedMessageException rejection, Envelope envelope) {
		return (envelope != null) ? rejected(rejection.reason(), rejection.getMessage(), envelope)
				: new Disposition(Outcome.REJECTED, rejection.reason(), rejection.getMessage(), rejection.type(),
						rejection.id(), null, 0);
	}

}
