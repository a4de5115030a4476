package io.messageconsumer.decode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * Reads an RFC 3339 timestamp into an {@link Instant}, with exactly the result of
 * {@link OffsetDateTime#parse(CharSequence)}, and {@code null} where that fails.
 * <p>
 * The common shape ({@code 2026-11-25T10:00:00.123456Z}, or with a {@code +01:00} offset) is read
 * by hand: {@code DateTimeFormatter} builds and copies field maps and rounds the fraction through
 * {@code BigDecimal}, which made it the most expensive step of decoding a message. Anything
 * outside that shape, or at the edge of a range, goes to {@code OffsetDateTime.parse}.
 */
final class Rfc3339 {

	private static final int MIN_LENGTH = "2026-11-25T10:00:00Z".length();

	private static final int MAX_FRACTION_DIGITS = 9;

	private static final int SECONDS_PER_DAY = 86_400;

	private Rfc3339() {
	}

	/**
	 * Parse a timestamp.
	 * @param text the text
	 * @return the instant, or {@code null} when {@code OffsetDateTime.parse} would reject it
	 */
	static Instant toInstant(String text) {
		Instant instant = parseCommonForm(text);
		if (instant != null) {
			return instant;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** The instant of a timestamp in the common form, or {@code null} to let the JDK decide. */
	static Instant parseCommonForm(String text) {
		int length = text.length();
		if (length < MIN_LENGTH || text.charAt(4) != '-' || text.charAt(7) != '-' || !isT(text.charAt(10))
				|| text.charAt(13) != ':' || text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 2);
		int day = digits(text, 8, 2);
		int hour = digits(text, 11, 2);
		int minute = digits(text, 14, 2);
		int second = digits(text, 17, 2);
		if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
				|| hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
			return null;
		}
		int pos = 19;
		int nanos = 0;
		if (text.charAt(pos) == '.') {
			int start = ++pos;
			while (pos < length && isDigit(text.charAt(pos))) {
				nanos = nanos * 10 + (text.charAt(pos) - '0');
				pos++;
			}
			int count = pos - start;
			if (count == 0 || count > MAX_FRACTION_DIGITS) {
				return null;
			}
			for (int i = count; i < MAX_FRACTION_DIGITS; i++) {
				nanos *= 10;
			}
		}
		int offsetSeconds = offsetSeconds(text, pos);
		if (offsetSeconds == Integer.MIN_VALUE) {
			return null;
		}
		long epochSecond = LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY + hour * 3600L
				+ minute * 60L + second - offsetSeconds;
		return Instant.ofEpochSecond(epochSecond, nanos);
	}

	/** {@code Z}, or {@code +HH:MM} / {@code -HH:MM} within 18 hours, ending the text; otherwise MIN_VALUE. */
	private static int offsetSeconds(String text, int pos) {
		int left = text.length() - pos;
		char sign = (left > 0) ? text.charAt(pos) : 0;
		if (left == 1 && (sign == 'Z' || sign == 'z')) {
			return 0;
		}
		if (left != 6 || (sign != '+' && sign != '-') || text.charAt(pos + 3) != ':') {
			return Integer.MIN_VALUE;
		}
		int hours = digits(text, pos + 1, 2);
		int minutes = digits(text, pos + 4, 2);
		if (hours < 0 || minutes < 0 || minutes > 59 || hours > 18 || (hours == 18 && minutes > 0)) {
			return Integer.MIN_VALUE;
		}
		int seconds = hours * 3600 + minutes * 60;
		return (sign == '-') ? -seconds : seconds;
	}

	/** The value of {@code count} ASCII digits at {@code start}, or -1 when one is not a digit. */
	private static int digits(String text, int start, int count) {
		int value = 0;
		for (int i = start; i < start + count; i++) {
			char c = text.charAt(i);
			if (!isDigit(c)) {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static boolean isT(char c) {
		return c == 'T' || c == 't';
	}

}
