package io.messageconsumer.tracing;

import java.util.Set;

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

	private final Set<String> handledTypes;

	private final Observation observation;

	ObservedMessage(Set<String> handledTypes, Observation observation) {
		this.handledTypes = handledTypes;
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

	/** The type as a tag, a bounded value: a handled type, else {@code unknown}, whatever the message said. */
	private String type(Disposition disposition) {
		String type = disposition.type();
		return (type != null && this.handledTypes.contains(type)) ? type : "unknown";
	}

}
