package io.messageconsumer.support;

/**
 * Makes message-derived text safe to log: truncated, with control characters escaped, so a
 * publisher can neither forge log lines nor flood the log.
 */
public final class LogText {

	/** Longest message-derived text written to a log line. */
	public static final int MAX_LENGTH = 256;

	private LogText() {
	}

	/**
	 * Escape control characters and truncate to {@link #MAX_LENGTH} characters, escapes included.
	 * @param text the untrusted text, may be {@code null}
	 * @return text safe for one log line
	 */
	public static String safe(String text) {
		return safe(text, MAX_LENGTH);
	}

	/**
	 * Escape control characters and truncate to {@code maxLength} characters, escapes included
	 * (never cut in half); {@code ...} is appended when text was dropped.
	 * @param text the untrusted text, may be {@code null}
	 * @param maxLength longest result before {@code ...} is appended
	 * @return text safe for one log line
	 */
	public static String safe(String text, int maxLength) {
		if (text == null) {
			return "null";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 3);
		for (int i = 0; i < text.length(); i++) {
			String escape = escape(text.charAt(i));
			int length = (escape != null) ? escape.length() : 1;
			if (out.length() + length > maxLength) {
				return out.append("...").toString();
			}
			if (escape != null) {
				out.append(escape);
			}
			else {
				out.append(text.charAt(i));
			}
		}
		return out.toString();
	}

	private static String escape(char c) {
		if (c == '\n') {
			return "\\n";
		}
		if (c == '\r') {
			return "\\r";
		}
		if (c == '\t') {
			return "\\t";
		}
		if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
			return "\\u" + HEX[(c >> 12) & 0xF] + HEX[(c >> 8) & 0xF] + HEX[(c >> 4) & 0xF] + HEX[c & 0xF];
		}
		return null;
	}

	private static final char[] HEX = "0123456789abcdef".toCharArray();

}
