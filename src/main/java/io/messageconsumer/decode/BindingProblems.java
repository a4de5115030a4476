package io.messageconsumer.decode;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import io.messageconsumer.support.LogText;

/**
 * Where a payload that parses but does not bind to the handler's record gets its dead-letter
 * detail in the service's own words: the field's path, what was expected and what it held, never
 * Jackson's own text. ({@link SyntaxProblems} does the same for a document that does not parse.)
 */
final class BindingProblems {

	private static final int MAX_PATH = 200;

	private BindingProblems() {
	}

	/**
	 * What is wrong with a payload that parses but does not bind to the handler's record.
	 * @param ex what the binding threw
	 * @param payload the payload as a tree, to say what kind of value the field held, or
	 * {@code null}
	 * @return e.g. {@code field total: expected a number, got a string}
	 */
	static String describe(JacksonException ex, JsonNode payload) {
		String path = path(ex);
		String field = path.isEmpty() ? "payload" : "field " + path;
		if (ex instanceof MismatchedInputException mismatch) {
			JsonNode value = valueAt(payload, ex);
			String got = (payload != null && value == null) ? "nothing (the member is missing)"
					: (ex instanceof InvalidNullException) ? "null" : kind(value);
			if (got.equals("an integer") && "id".equals(lastName(ex)) && mismatch.getTargetType() == String.class) {
				return field + ": an integer id must fit a long (at most 19 digits); send ids this large as strings";
			}
			return field + ": expected " + expected(mismatch.getTargetType()) + ", got " + got;
		}
		if (ex instanceof InputCoercionException coercion) {
			return field + ": integer out of range, expected " + range(coercion.getTargetType());
		}
		if (ex instanceof ValueInstantiationException) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return field + ": refused by the payload record: " + LogText.safe(cause.getMessage(), 200);
		}
		if (ex instanceof StreamConstraintsException) {
			return field + ": " + SyntaxProblems.limit(ex);
		}
		return field + ": invalid value";
	}

	/** The path of the field that failed, e.g. {@code items[0].quantity}. */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return LogText.safe(path.toString(), MAX_PATH);
	}

	private static String lastName(JacksonException ex) {
		List<JacksonException.Reference> path = ex.getPath();
		return path.isEmpty() ? null : path.get(path.size() - 1).getPropertyName();
	}

	/** The value the failed field held in the payload, or {@code null} when it cannot be told. */
	private static JsonNode valueAt(JsonNode payload, JacksonException ex) {
		JsonNode node = payload;
		for (JacksonException.Reference reference : ex.getPath()) {
			if (node == null) {
				return null;
			}
			node = (reference.getPropertyName() != null) ? node.get(reference.getPropertyName())
					: node.get(reference.getIndex());
		}
		return node;
	}

	private static String kind(JsonNode value) {
		if (value == null) {
			return "another kind of value";
		}
		if (value.isString()) {
			return value.stringValue().isEmpty() ? "an empty string" : "a string";
		}
		if (value.isIntegralNumber()) {
			return "an integer";
		}
		if (value.isNumber()) {
			return "a number with a fraction or exponent";
		}
		if (value.isBoolean()) {
			return "a boolean";
		}
		if (value.isNull()) {
			return "null";
		}
		return value.isArray() ? "an array" : "an object";
	}

	private static String range(Class<?> target) {
		if (target == int.class || target == Integer.class) {
			return Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
		}
		if (target == long.class || target == Long.class) {
			return Long.MIN_VALUE + " to " + Long.MAX_VALUE;
		}
		if (target == short.class || target == Short.class) {
			return Short.MIN_VALUE + " to " + Short.MAX_VALUE;
		}
		if (target == byte.class || target == Byte.class) {
			return Byte.MIN_VALUE + " to " + Byte.MAX_VALUE;
		}
		return "a smaller number";
	}

	private static String expected(Class<?> target) {
		if (target == null) {
			return "another kind of value";
		}
		if (target == String.class || target == CharSequence.class || target == char.class || target == Character.class
				|| target.isEnum()) {
			return "a string";
		}
		if (target == int.class || target == long.class || target == short.class || target == byte.class
				|| target == Integer.class || target == Long.class || target == Short.class || target == Byte.class
				|| target == BigInteger.class) {
			return "an integer";
		}
		if ((target.isPrimitive() && target != boolean.class) || Number.class.isAssignableFrom(target)) {
			return "a number";
		}
		if (target == boolean.class || target == Boolean.class) {
			return "true or false";
		}
		if (target.isArray() || Collection.class.isAssignableFrom(target)) {
			return "an array";
		}
		return "an object";
	}

}
