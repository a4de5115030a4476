package io.messageconsumer.tracing;

import io.micrometer.observation.Observation;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;

/**
 * The trace of a message as a Micrometer {@link Observation}, started at admission on the
 * source's thread, in scope on the lane's worker around each handler attempt and around the
 * settlement, stopped with the outcome. The tags name bounded values only: the id is a
 * high-cardinality key value (a span tag, never a meter tag).
 */
final class ObservedMessage implements MessageTrace {

	/** The observation name: the span's name in the tracing handlers, and the timer's. */
	static final String NAME = "consumer.message.process";

	static final String TYPE = "type";

	static final String OUTCOME = "outcome";

	static final String REASON = "reason";

	static final String SOURCE = "source";

	static final String ID = "id";

	static final String ATTEMPTS = "attempts";

	static final String CHANNEL = "channel";

	/** The value of a tag that does not apply (no reason), as Micrometer's own conventions write it. */
	static final String NONE_VALUE = "none";

	private final Observation observation;

	ObservedMessage(Observation observation) {
		this.observation = observation;
	}

	@Override
	public Scope open() {
		return this.observation.openScope()::close;
	}

	@Override
	public void error(Throwable failure) {
		this.observation.error(failure);
	}

	@Override
	public void stop(Disposition disposition) {
		DeadLetterReason reason = disposition.reason();
		this.observation.lowCardinalityKeyValue(TYPE, type(disposition))
			.lowCardinalityKeyValue(OUTCOME, disposition.outcome().tag())
			.lowCardinalityKeyValue(REASON, (reason != null) ? reason.code() : NONE_VALUE)
			.highCardinalityKeyValue(ATTEMPTS, Integer.toString(disposition.attempts()));
		if (disposition.id() != null) {
			this.observation.highCardinalityKeyValue(ID, disposition.id());
		}
		this.observation.stop();
	}

	@Override
	public void release(Disposition disposition) {
		this.observation.lowCardinalityKeyValue(TYPE, type(disposition))
			.lowCardinalityKeyValue(OUTCOME, "released")
			.lowCardinalityKeyValue(REASON, NONE_VALUE)
			.stop();
	}

	/**
	 * The type as a tag, a bounded value: the type of a message that reached its handler's lane
	 * (the reasons that come after routing), else {@code unknown}, whatever the message said.
	 */
	private static String type(Disposition disposition) {
		DeadLetterReason reason = disposition.reason();
		boolean routed = reason == null || reason == DeadLetterReason.INVALID_PAYLOAD
				|| reason == DeadLetterReason.HANDLER_FAILED || reason == DeadLetterReason.OVERFLOW
				|| reason == DeadLetterReason.SHUTDOWN || reason == DeadLetterReason.MAX_DELIVERIES;
		return (routed && disposition.type() != null) ? disposition.type() : "unknown";
	}

}
