package io.messageconsumer.decode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Tests {

	@Test
	void acceptsEmptyInput() {
		assertThat(Utf8.firstInvalidIndex(new byte[0])).isEqualTo(-1);
	}

	@Test
	void acceptsEncodingBoundaries() {
		int[] boundaries = { 0x0000, 0x007F, 0x0080, 0x07FF, 0x0800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF };
		for (int codePoint : boundaries) {
			byte[] bytes = encode(codePoint);
			assertThat(Utf8.firstInvalidIndex(bytes)).as("U+%04X", codePoint).isEqualTo(-1);
		}
	}

	@Test
	void reportsTheIndexOfTheFirstInvalidByte() {
		assertThat(Utf8.firstInvalidIndex(new byte[] { 'a', 'b', (byte) 0x80, 'c' })).isEqualTo(2);
		assertThat(Utf8.firstInvalidIndex(new byte[] { 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF })).isEqualTo(3);
	}

	@Test
	void rejectsInvalidSequences() {
		int[][] invalid = { { 0x80 }, { 0xBF }, { 0xC0, 0x80 }, { 0xC1, 0xBF }, { 0xC2 }, { 0xC2, 0x41 },
				{ 0xE0, 0x80, 0x80 }, { 0xE0, 0x9F, 0xBF }, { 0xED, 0xA0, 0x80 }, { 0xED, 0xBF, 0xBF },
				{ 0xE2, 0x82 }, { 0xE2, 0x82, 0x41 }, { 0xF0, 0x80, 0x80, 0x80 }, { 0xF0, 0x8F, 0xBF, 0xBF },
				{ 0xF4, 0x90, 0x80, 0x80 }, { 0xF5, 0x80, 0x80, 0x80 }, { 0xF0, 0x9F, 0x98 }, { 0xFE }, { 0xFF } };
		for (int[] sequence : invalid) {
			byte[] bytes = bytes(sequence);
			assertThat(Utf8.firstInvalidIndex(bytes)).as(Arrays.toString(sequence)).isZero();
			assertThat(isValidPerJdk(bytes)).as("JDK agrees on %s", Arrays.toString(sequence)).isFalse();
		}
	}

	@Test
	void agreesWithTheJdkOnRandomCodePoints() {
		Random random = new Random(42);
		for (int i = 0; i < 5000; i++) {
			int codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
			if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
				continue;
			}
			byte[] bytes = encode(codePoint);
			assertThat(Utf8.firstInvalidIndex(bytes)).as("U+%04X", codePoint).isEqualTo(-1);
			assertThat(new String(bytes, StandardCharsets.UTF_8).codePointAt(0)).isEqualTo(codePoint);
		}
	}

	@Test
	void agreesWithTheJdkOnRandomByteSequences() {
		Random random = new Random(7);
		for (int i = 0; i < 20_000; i++) {
			byte[] bytes = new byte[1 + random.nextInt(6)];
			for (int k = 0; k < bytes.length; k++) {
				// Bias towards bytes >= 0x80 so that multi-byte sequences are common.
				bytes[k] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(0x100));
			}
			boolean valid = Utf8.firstInvalidIndex(bytes) == -1;
			assertThat(valid).as(hex(bytes)).isEqualTo(isValidPerJdk(bytes));
		}
	}

	private static byte[] encode(int codePoint) {
		return new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	private static boolean isValidPerJdk(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private static String hex(byte[] bytes) {
		StringBuilder out = new StringBuilder();
		for (byte b : bytes) {
			out.append(String.format("%02X ", b & 0xFF));
		}
		return out.toString().trim();
	}

}
