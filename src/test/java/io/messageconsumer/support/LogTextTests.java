package io.messageconsumer.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTests {

	@Test
	void keepsPlainTextUnchanged() {
		assertThat(LogText.safe("order A-1001 \u00E9\u6CE8 \uD83D\uDE80")).isEqualTo("order A-1001 \u00E9\u6CE8 \uD83D\uDE80");
	}

	@Test
	void rendersNullAsNull() {
		assertThat(LogText.safe(null)).isEqualTo("null");
		assertThat(LogText.safe(null, 10)).isEqualTo("null");
	}

	@Test
	void escapesCarriageReturnLineFeedAndTab() {
		assertThat(LogText.safe("a\rb\nc\td")).isEqualTo("a\\rb\\nc\\td");
	}

	@Test
	void escapesOtherControlCharacters() {
		assertThat(LogText.safe("a\u0000b\u001Bc\u007Fd\u0085e")).isEqualTo("a\\u0000b\\u001bc\\u007fd\\u0085e");
	}

	@Test
	void escapesUnicodeLineAndParagraphSeparators() {
		assertThat(LogText.safe("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
	}

	@Test
	void turnsForgedLogLineIntoOneLine() {
		String safe = LogText.safe("x\r\n2026-01-01 ERROR forged");
		assertThat(safe).isEqualTo("x\\r\\n2026-01-01 ERROR forged");
		assertThat(safe.lines()).hasSize(1);
	}

	@Test
	void keepsTextOfTheMaximumLength() {
		String text = "a".repeat(LogText.MAX_LENGTH);
		assertThat(LogText.safe(text)).isEqualTo(text);
	}

	@Test
	void truncatesLongTextWithAnEllipsis() {
		String safe = LogText.safe("a".repeat(LogText.MAX_LENGTH) + "bcd");
		assertThat(safe).isEqualTo("a".repeat(256) + "...");
	}

	@Test
	void truncatesAtTheGivenLength() {
		assertThat(LogText.safe("abcdef", 3)).isEqualTo("abc...");
	}

	@Test
	void neverCutsAnEscapeInHalf() {
		assertThat(LogText.safe("ab\ncd", 3)).isEqualTo("ab...");
		assertThat(LogText.safe("ab\ncd", 4)).isEqualTo("ab\\n...");
	}

	@Test
	void countsEscapesTowardsTheLength() {
		String safe = LogText.safe("\u0000".repeat(100));
		assertThat(safe).hasSize(42 * "\\u0000".length() + "...".length());
		assertThat(safe.length()).isLessThanOrEqualTo(LogText.MAX_LENGTH + 3);
	}

	@Test
	void boundsTheOutputOfAHugeControlCharacterFlood() {
		String safe = LogText.safe("\u0001".repeat(1_000_000));
		assertThat(safe).hasSize(42 * "\\u0001".length() + "...".length()).hasSizeLessThanOrEqualTo(LogText.MAX_LENGTH + 3);
	}

}
