package io.messageconsumer.routing;

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
	 * Truncate to {@link #MAX_LENGTH} characters and escape control characters.
	 * @param text the untrusted text, may be {@code null}
	 * @return text safe for one log line
	 */
	public static String safe(String text) {
		return safe(text, MAX_LENGTH);
	}

	/**
	 * Truncate to {@code maxLength} characters and escape control characters.
	 * @param text the untrusted text, may be {@code null}
	 * @param maxLength characters kept before {@code ...} is appended
	 * @return text safe for one log line
	 */
	public static String safe(String text, int maxLength) {
		if (text == null) {
			return "null";
		}
		int end = Math.min(text.length(), maxLength);
		StringBuilder out = new StringBuilder(end + 16);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			if (c == '\n') {
				out.append("\\n");
			}
			else if (c == '\r') {
				out.append("\\r");
			}
			else if (c == '\t') {
				out.append("\\t");
			}
			else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		if (text.length() > maxLength) {
			out.append("...");
		}
		return out.toString();
	}

}
