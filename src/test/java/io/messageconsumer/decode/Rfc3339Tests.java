package io.messageconsumer.decode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Rfc3339Tests {

	@Test
	void readsTheCommonFormWithoutTheJdkFormatter() {
		assertThat(Rfc3339.parseCommonForm("2026-11-25T10:00:00.123456Z"))
			.isEqualTo(Instant.parse("2026-11-25T10:00:00.123456Z"));
		assertThat(Rfc3339.parseCommonForm("2026-11-24T12:00:00.250+02:00"))
			.isEqualTo(Instant.parse("2026-11-24T10:00:00.250Z"));
		assertThat(Rfc3339.parseCommonForm("2024-02-29t23:59:59z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
	}

	@Test
	void leavesOtherFormsToTheJdk() {
		assertThat(Rfc3339.parseCommonForm("2026-11-25T10:00Z")).isNull();
		assertThat(Rfc3339.parseCommonForm("2026-11-25T10:00:00.Z")).isNull();
		assertThat(Rfc3339.parseCommonForm("2026-11-25T10:00:00+01:00:30")).isNull();
		assertThat(Rfc3339.toInstant("2026-11-25T10:00Z")).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
	}

	@Test
	void rejectsWhatTheJdkRejects() {
		List<String> invalid = List.of("", "yesterday", "2026-11-24T10:00:00", "2026-02-29T10:00:00Z",
				"2026-13-01T10:00:00Z", "2026-11-31T10:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z",
				"2026-11-24T10:00:60Z", "2026-11-24T10:00:00+18:01", "2026-11-24T10:00:00+19:00",
				"2026-11-24T10:00:00.1234567890Z", "2026-11-24 10:00:00Z", "+2026-11-24T10:00:00Z",
				"2026-11-24T10:00:00Zjunk", "2026-1a-24T10:00:00Z", "2026-11-24T10:00:00+0100", "1900-02-29T00:00:00Z");
		for (String text : invalid) {
			assertThat(Rfc3339.toInstant(text)).as(text).isEqualTo(jdk(text)).isNull();
		}
	}

	@Test
	void agreesWithTheJdkOnEdgesOfEveryField() {
		List<String> texts = List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
				"2000-02-29T00:00:00Z", "2026-11-24T10:00:00-00:00",
				"2026-11-24T10:00:00+18:00", "2026-11-24T10:00:00-18:00", "2026-11-24T10:00:00.1Z",
				"2026-11-24T10:00:00.000000001+05:45", "1969-12-31T23:59:59.5-01:30");
		for (String text : texts) {
			assertThat(Rfc3339.parseCommonForm(text)).as(text).isNotNull().isEqualTo(jdk(text));
		}
	}

	@Test
	void agreesWithTheJdkOnRandomTimestamps() {
		Random random = new Random(42);
		String alphabet = "0123456789-:T.Z+tz ";
		for (int i = 0; i < 100_000; i++) {
			char[] text = randomTimestamp(random).toCharArray();
			// Damage some of them, one character at a time.
			if (random.nextInt(3) == 0) {
				text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
			}
			String candidate = new String(text);
			Instant common = Rfc3339.parseCommonForm(candidate);
			if (common != null) {
				assertThat(common).as(candidate).isEqualTo(jdk(candidate));
			}
			assertThat(Rfc3339.toInstant(candidate)).as(candidate).isEqualTo(jdk(candidate));
		}
	}

	private static String randomTimestamp(Random random) {
		StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10_000),
				random.nextInt(14), random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61)));
		int fraction = random.nextInt(11);
		if (fraction > 0) {
			text.append('.');
			for (int i = 1; i < fraction; i++) {
				text.append((char) ('0' + random.nextInt(10)));
			}
		}
		if (random.nextBoolean()) {
			text.append('Z');
		}
		else {
			text.append(String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20),
					random.nextInt(61)));
		}
		return text.toString();
	}

	private static Instant jdk(String text) {
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
