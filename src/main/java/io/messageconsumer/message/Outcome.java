package io.messageconsumer.message;

import java.util.Locale;

/**
 * The one outcome every received message ends in.
 */
public enum Outcome {

	/** The handler completed. */
	PROCESSED,

	/** The handler reported that this id was already applied. */
	DUPLICATE,

	/** It can never succeed; dead-lettered. */
	REJECTED,

	/** The handler threw on every attempt; dead-lettered. */
	FAILED;

	private final String tag = name().toLowerCase(Locale.ROOT);

	/**
	 * The outcome as a meter tag value.
	 * @return e.g. {@code processed}
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Whether messages with this outcome go to the dead-letter stream.
	 * @return {@code true} for rejected and failed
	 */
	public boolean isDeadLettered() {
		return this == REJECTED || this == FAILED;
	}

}
