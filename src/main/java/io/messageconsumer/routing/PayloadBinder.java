package io.messageconsumer.routing;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds a payload object to a handler's record and validates it with Bean Validation.
 */
class PayloadBinder {

	private static final int MAX_DETAIL = 900;

	private final JsonMapper mapper;

	private final Validator validator;

	PayloadBinder(JsonMapper mapper, Validator validator) {
		this.mapper = mapper;
		this.validator = validator;
	}

	<T> T bind(JsonNode payload, Class<T> type) {
		T value;
		try {
			value = this.mapper.treeToValue(payload, type);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			String message = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage();
			throw new RejectedMessageException(RejectReason.INVALID_PAYLOAD, LogText.safe(message, MAX_DETAIL));
		}
		if (value == null) {
			throw new RejectedMessageException(RejectReason.INVALID_PAYLOAD, "payload is null");
		}
		Set<ConstraintViolation<T>> violations = this.validator.validate(value);
		if (!violations.isEmpty()) {
			throw new RejectedMessageException(RejectReason.INVALID_PAYLOAD, describe(violations));
		}
		return value;
	}

	private static <T> String describe(Set<ConstraintViolation<T>> violations) {
		String detail = violations.stream()
			.map((violation) -> violation.getPropertyPath() + ": " + violation.getMessage())
			.sorted(Comparator.naturalOrder())
			.collect(Collectors.joining("; "));
		return LogText.safe(detail, MAX_DETAIL);
	}

}
