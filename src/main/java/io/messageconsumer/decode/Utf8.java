package io.messageconsumer.decode;

/**
 * Strict UTF-8 validation over raw bytes, without decoding them into a string.
 * <p>
 * Rejects overlong forms, surrogates (U+D800..U+DFFF) and code points above U+10FFFF, as RFC 3629 requires.
 */
final class Utf8 {

	private Utf8() {
	}

	/**
	 * Index of the first byte that is not part of a valid UTF-8 sequence, or -1 when all are valid.
	 */
	static int firstInvalidIndex(byte[] bytes) {
		int i = 0;
		int n = bytes.length;
		while (i < n) {
			int b = bytes[i];
			if (b >= 0) {
				i++;
				continue;
			}
			int len = sequenceLength(b & 0xFF);
			if (len == 0 || i + len > n || !validContinuation(bytes, i, len)) {
				return i;
			}
			i += len;
		}
		return -1;
	}

	private static int sequenceLength(int lead) {
		if (lead >= 0xC2 && lead <= 0xDF) {
			return 2;
		}
		if (lead >= 0xE0 && lead <= 0xEF) {
			return 3;
		}
		if (lead >= 0xF0 && lead <= 0xF4) {
			return 4;
		}
		return 0;
	}

	private static boolean validContinuation(byte[] bytes, int start, int len) {
		int lead = bytes[start] & 0xFF;
		int second = bytes[start + 1] & 0xFF;
		// The second byte's range is narrower for these leads: it excludes overlongs, surrogates and > U+10FFFF.
		int low = (lead == 0xE0) ? 0xA0 : (lead == 0xF0) ? 0x90 : 0x80;
		int high = (lead == 0xED) ? 0x9F : (lead == 0xF4) ? 0x8F : 0xBF;
		if (second < low || second > high) {
			return false;
		}
		for (int k = 2; k < len; k++) {
			if ((bytes[start + k] & 0xC0) != 0x80) {
				return false;
			}
		}
		return true;
	}

}
