package io.messageconsumer.message;

/**
 * Why a message was dead-lettered: the machine-readable reason codes of the contract.
 */
public enum DeadLetterReason {

	/** Larger than {@code consumer.max-message-bytes}. */
	TOO_LARGE("too_large"),

	/** Not valid UTF-8. */
	INVALID_ENCODING("invalid_encoding"),

	/** Not exactly one JSON value. */
	INVALID_JSON("invalid_json"),

	/** JSON, but not an object. */
	NOT_AN_OBJECT("not_an_object"),

	/** No {@code type}, a blank one, or one that is not a string. */
	MISSING_TYPE("missing_type"),

	/** No handler for the {@code type}. */
	UNKNOWN_TYPE("unknown_type"),

	/** The payload does not bind to the handler's record or fails validation. */
	INVALID_PAYLOAD("invalid_payload"),

	/** A CloudEvent whose {@code datacontenttype} is not JSON. */
	UNSUPPORTED_CONTENT_TYPE("unsupported_content_type"),

	/** The handler threw on every attempt. */
	HANDLER_FAILED("handler_failed"),

	/** The buffers were full under overload. */
	OVERFLOW("overflow"),

	/** Still buffered when the drain timeout ran out. */
	SHUTDOWN("shutdown"),

	/** A stream entry was delivered too often. */
	MAX_DELIVERIES("max_deliveries");

	private final String code;

	DeadLetterReason(String code) {
		this.code = code;
	}

	/**
	 * The reason code as written to the dead-letter stream and meter tags.
	 * @return the code, e.g. {@code invalid_json}
	 */
	public String code() {
		return this.code;
	}

}
