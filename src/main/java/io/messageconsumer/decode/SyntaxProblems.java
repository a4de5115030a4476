package io.messageconsumer.decode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import io.messageconsumer.support.LogText;

/**
 * Where a document that does not parse gets its dead-letter detail in the service's own words:
 * what was wrong, at which line and column, and what was expected. Jackson's own text names its
 * classes and configuration features, which mean nothing to a publisher, so it is never passed on;
 * a problem not recognised here gets a plain generic sentence. ({@link BindingProblems} does the
 * same for a payload that parses but does not bind.)
 */
final class SyntaxProblems {

	private static final Pattern LIMIT = Pattern.compile("\\((\\d+)\\) exceeds the maximum allowed \\((\\d+)");

	private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("^Unexpected character \\('(.)' \\(code (\\d+)\\)\\)");

	private static final Pattern QUOTED = Pattern.compile("'([^']{0,64})'");

	private static final Pattern DUPLICATE = Pattern.compile("^Duplicate Object property \"(.{0,64})");

	private static final Pattern CONTROL = Pattern.compile("code (\\d+)");

	private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");

	private SyntaxProblems() {
	}

	/**
	 * What is wrong with a document that does not parse.
	 * @param ex what the parser threw
	 * @return e.g. {@code NaN is not a JSON number (numbers must be finite) at line 1, column 9}
	 */
	static String describe(JacksonException ex) {
		return problem(ex) + position(ex.getLocation());
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
	static String limit(JacksonException ex) {
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

}
