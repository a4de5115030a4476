package io.messageconsumer.decode;

/**
 * The parser limits of the hardened message mapper ({@link MessageJson}), each bounded so that
 * hostile input costs little CPU, memory and stack.
 *
 * @param maxNestingDepth deepest nesting of objects and arrays accepted
 * @param maxNumberLength longest number literal accepted, in characters
 * @param maxNameLength longest member name accepted, in characters
 * @param maxStringLength longest string value accepted, in characters
 * @param maxDocumentLength longest document accepted, in bytes
 * @param maxTokenCount most tokens (names, values, brackets) in one document
 */
public record JsonLimits(int maxNestingDepth, int maxNumberLength, int maxNameLength, int maxStringLength,
		long maxDocumentLength, long maxTokenCount) {

	/** Default deepest nesting: far beyond any real message, far below the stack. */
	public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

	/** Default longest number: a double or a long needs fewer than 30 characters. */
	public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;

	/** Default longest member name. */
	public static final int DEFAULT_MAX_NAME_LENGTH = 1024;

	public JsonLimits {
		requirePositive("maxNestingDepth", maxNestingDepth);
		requirePositive("maxNumberLength", maxNumberLength);
		requirePositive("maxNameLength", maxNameLength);
		requirePositive("maxStringLength", maxStringLength);
		requirePositive("maxDocumentLength", maxDocumentLength);
		requirePositive("maxTokenCount", maxTokenCount);
	}

	/**
	 * The default limits for a message size limit: strings, documents and token counts are bounded
	 * by the message size (every token takes at least one byte).
	 * @param maxMessageBytes the message size limit
	 * @return the limits
	 */
	public static JsonLimits defaults(int maxMessageBytes) {
		return new JsonLimits(DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_NUMBER_LENGTH, DEFAULT_MAX_NAME_LENGTH,
				maxMessageBytes, maxMessageBytes, maxMessageBytes);
	}

	private static void requirePositive(String name, long value) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, was " + value);
		}
	}

}
