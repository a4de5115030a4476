package io.messageconsumer.decode;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import io.messageconsumer.support.LogText;

/**
 * The one place where Jackson's exceptions become dead-letter details in the service's own words:
 * what was wrong, where (line and column, or the field's path) and what was expected. Jackson's
 * own text names its classes and configuration features, which mean nothing to a publisher, so
 * it is never passed on; a problem not recognised here gets a plain generic sentence.
 */
final class JsonProblems {

	private static final int MAX_PATH = 200;

	private static final Pattern LIMIT = Pattern.compile("\\((\\d+)\\) exceeds the maximum allowed \\((\\d+)");

	private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("^Unexpected character \\('(.)' \\(code (\\d+)\\)\\)");

	private static final Pattern QUOTED = Pattern.compile("'([^']{0,64})'");

	private static final Pattern DUPLICATE = Pattern.compile("^Duplicate Object property \"(.{0,64})");

	private static final Pattern CONTROL = Pattern.compile("code (\\d+)");

	private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");

	private JsonProblems() {
	}

	/**
	 * What is wrong with a document that does not parse.
	 * @param ex what the parser threw
	 * @return e.g. {@code NaN is not a JSON number (numbers must be finite) at line 1, column 9}
	 */
	static String describeSyntax(JacksonException ex) {
		return problem(ex) + position(ex.getLocation());
	}

	/**
	 * What is wrong with a payload that parses but does not bind to the handler's record.
	 * @param ex what the binding threw
	 * @param payload the payload as a tree, to say what kind of value the field held, or
	 * {@code null}
	 * @return e.g. {@code field total: expected a number, got a string}
	 */
	static String describeBinding(JacksonException ex, JsonNode payload) {
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
			return field + ": " + limit(ex);
		}
		return field + ": invalid value";
	}

	private static String problem(JacksonException ex) {
		if (ex instanceof StreamConstraintsException) {
			return limit(ex);
		}
		String message = String.valueOf(ex.getOriginalMessage());
		if (ex instanceof UnexpectedEndOfInputException) {
			return "unexpected end of input" + (message.contains("VALUE_STRING") ? " inside a string"
					: message.contains("for Object") ? ", expected '}'"
							: message.contains("for Array") ? ", expected ']'" : "");
		}
		if (message.startsWith("Trailing token")) {
			return "more than one JSON value: unexpected content after the end of the first one";
		}
		if (message.startsWith("Non-standard token")) {
			return quoted(message) + " is not a JSON number (numbers must be finite)";
		}
		if (message.startsWith("Unrecognized token")) {
			return "unrecognized token '" + quoted(message)
					+ "', expected a JSON value (string, number, object, array, true, false or null)";
		}
		Matcher duplicate = DUPLICATE.matcher(message);
		if (duplicate.find()) {
			return "duplicate member \"" + LogText.safe(duplicate.group(1).replace("\"", ""), 64) + "\"";
		}
		Matcher character = UNEXPECTED_CHARACTER.matcher(message);
		if (character.find()) {
			return unexpectedCharacter(Integer.parseInt(character.group(2)), message);
		}
		Matcher close = CLOSE_MARKER.matcher(message);
		if (close.find()) {
			return "unexpected '" + close.group(1) + "', expected '" + close.group(2) + "'";
		}
		if (message.startsWith("Illegal unquoted character")) {
			Matcher code = CONTROL.matcher(message);
			return "control character " + (code.find() ? character(Integer.parseInt(code.group(1))) + " " : "")
					+ "in a string must be escaped";
		}
		if (message.startsWith("Unrecognized character escape")) {
			Matcher code = CONTROL.matcher(message);
			return "invalid escape sequence in a string"
					+ (code.find() ? ": backslash followed by " + character(Integer.parseInt(code.group(1))) : "");
		}
		if (message.startsWith("Invalid numeric value")) {
			return message.contains("Leading zeroes") ? "invalid number: leading zeroes are not allowed" : "invalid number";
		}
		return "malformed JSON";
	}

	private static String unexpectedCharacter(int code, String message) {
		String found = character(code);
		if (message.contains("double-quote to start property name")) {
			if (code == '}') {
				return "trailing comma before '}', expected a member name in double quotes";
			}
			return "unexpected " + found + ", expected a member name in double quotes";
		}
		if (message.contains("comma to separate Object entries")) {
			return "unexpected " + found + ", expected ',' or '}'";
		}
		if (message.contains("comma to separate Array entries")) {
			return "unexpected " + found + ", expected ',' or ']'";
		}
		if (message.contains("colon to separate")) {
			return "unexpected " + found + ", expected ':' after the member name";
		}
		if (message.contains("comment")) {
			return "comments are not allowed in JSON";
		}
		if (message.contains("hex-digit")) {
			return "unexpected " + found + " in a \\u escape, expected a hex digit";
		}
		if (message.contains("in numeric value")) {
			return (code == '+') ? "a number must not start with '+'" : "invalid number: unexpected " + found;
		}
		if (code == ']' && message.contains("expected a value")) {
			return "trailing comma before ']', expected a value";
		}
		return "unexpected " + found + ", expected a JSON value";
	}

	/** A parser limit that was exceeded, with the property that sets it. */
	private static String limit(JacksonException ex) {
		String message = String.valueOf(ex.getOriginalMessage());
		Matcher numbers = LIMIT.matcher(message);
		boolean matched = numbers.find();
		String found = matched ? numbers.group(1) : "?";
		String max = matched ? numbers.group(2) : "?";
		if (message.startsWith("Document nesting depth")) {
			return "nesting depth " + found + " is over the limit of " + max + " (consumer.json.max-nesting-depth)";
		}
		if (message.startsWith("Number value length")) {
			return "number of " + found + " characters is longer than the limit of " + max
					+ " (consumer.json.max-number-length)";
		}
		if (message.startsWith("Name length")) {
			return "member name of " + found + " characters is longer than the limit of " + max
					+ " (consumer.json.max-name-length)";
		}
		if (message.startsWith("String value length")) {
			return "string of " + found + " characters is longer than the limit of " + max
					+ " (consumer.json.max-string-length)";
		}
		if (message.startsWith("Document length")) {
			return "document is longer than the limit of " + max + " bytes (consumer.json.max-document-length)";
		}
		if (message.startsWith("Token count")) {
			return "more tokens than the limit of " + max + " (consumer.json.max-token-count)";
		}
		return "over a parser limit (consumer.json.*)";
	}

	private static String position(TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 1) {
			return "";
		}
		return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	/** The first single-quoted text of a message, made safe. */
	private static String quoted(String message) {
		Matcher quoted = QUOTED.matcher(message);
		return quoted.find() ? LogText.safe(quoted.group(1), 32) : "?";
	}

	private static String character(int code) {
		return (code > 32 && code < 127) ? "'" + (char) code + "'" : String.format("U+%04X", code);
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
