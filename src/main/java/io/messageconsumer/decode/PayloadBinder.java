package io.messageconsumer.decode;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.support.LogText;

/**
 * Binds a payload object to a handler's record and validates it with Bean Validation.
 * <p>
 * Each payload class gets one {@link ObjectReader}, made once, and binds straight from the
 * message bytes the decoder already checked (so the reader need not look for duplicate members
 * again); a class without any constraint skips the validator.
 */
public class PayloadBinder {

	private static final int MAX_DETAIL = 900;

	private final Validator validator;

	private final ClassValue<Binding> bindings;

	public PayloadBinder(JsonMapper mapper, Validator validator) {
		this.validator = validator;
		this.bindings = new ClassValue<>() {
			@Override
			protected Binding computeValue(Class<?> type) {
				ObjectReader reader = mapper.readerFor(type);
				return new Binding(reader, reader.without(StreamReadFeature.STRICT_DUPLICATE_DETECTION),
						validator.getConstraintsForClass(type).isBeanConstrained());
			}
		};
	}

	public <T> T bind(Envelope envelope, Class<T> type) {
		Binding binding = this.bindings.get(type);
		T value;
		try {
			byte[] bytes = envelope.payloadBytes();
			value = (bytes != null)
					? binding.checkedBytes.readValue(bytes, envelope.payloadOffset(), envelope.payloadLength())
					: binding.reader.readValue(envelope.payload());
		}
		catch (JacksonException ex) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD,
					LogText.safe(BindingProblems.describe(ex, payloadOrNull(envelope)), MAX_DETAIL));
		}
		catch (IllegalArgumentException ex) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, LogText.safe(ex.getMessage(), MAX_DETAIL));
		}
		if (value == null) {
			throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, "payload is null");
		}
		if (binding.constrained) {
			Set<ConstraintViolation<T>> violations = this.validator.validate(value);
			if (!violations.isEmpty()) {
				throw new RejectedMessageException(DeadLetterReason.INVALID_PAYLOAD, describe(violations));
			}
		}
		return value;
	}

	/** The payload as a tree, to tell what a field that failed held; only on that error path. */
	private static JsonNode payloadOrNull(Envelope envelope) {
		try {
			return envelope.payload();
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static <T> String describe(Set<ConstraintViolation<T>> violations) {
		String detail = violations.stream()
			.map((violation) -> violation.getPropertyPath() + ": " + violation.getMessage())
			.sorted(Comparator.naturalOrder())
			.collect(Collectors.joining("; "));
		return LogText.safe(detail, MAX_DETAIL);
	}

	/**
	 * How to bind one payload class.
	 * @param reader reads a tree
	 * @param checkedBytes reads bytes the decoder has already checked for duplicate members
	 * @param constrained whether Bean Validation has anything to check on the class
	 */
	private record Binding(ObjectReader reader, ObjectReader checkedBytes, boolean constrained) {
	}

}
