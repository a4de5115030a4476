package io.messageconsumer.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.messageconsumer.decode.JsonLimits;

/**
 * Limits of the parser that reads messages, bound from {@code consumer.json.*}; a message over one
 * is rejected {@code invalid_json}. The size limits left unset are {@code consumer.max-message-bytes},
 * which they may not exceed.
 *
 * @param maxNestingDepth deepest nesting of objects and arrays
 * @param maxNumberLength longest number literal, in characters
 * @param maxNameLength longest member name, in characters
 * @param maxStringLength longest string value, in characters
 * @param maxDocumentLength longest document
 * @param maxTokenCount most tokens in one document
 */
public record JsonProperties(@DefaultValue("64") @Min(1) @Max(1000) int maxNestingDepth,
		@DefaultValue("100") @Min(1) @Max(1000) int maxNumberLength,
		@DefaultValue("1024") @Min(1) @Max(65536) int maxNameLength, DataSize maxStringLength,
		DataSize maxDocumentLength, @Min(1) Long maxTokenCount) {

	void check(long maxMessageBytes) {
		checkSize("max-string-length", (this.maxStringLength != null) ? this.maxStringLength.toBytes() : null,
				maxMessageBytes);
		checkSize("max-document-length",
				(this.maxDocumentLength != null) ? this.maxDocumentLength.toBytes() : null, maxMessageBytes);
		checkSize("max-token-count", this.maxTokenCount, maxMessageBytes);
	}

	private static void checkSize(String name, Long value, long maxMessageBytes) {
		if (value != null && (value < 1 || value > maxMessageBytes)) {
			throw new IllegalArgumentException("consumer.json." + name + " must be between 1 and "
					+ "consumer.max-message-bytes (" + maxMessageBytes + "), was " + value);
		}
	}

	JsonLimits toLimits(int maxMessageBytes) {
		int maxString = (this.maxStringLength != null) ? (int) this.maxStringLength.toBytes() : maxMessageBytes;
		long maxDocument = (this.maxDocumentLength != null) ? this.maxDocumentLength.toBytes() : maxMessageBytes;
		long maxTokens = (this.maxTokenCount != null) ? this.maxTokenCount : maxMessageBytes;
		return new JsonLimits(this.maxNestingDepth, this.maxNumberLength, this.maxNameLength, maxString,
				maxDocument, maxTokens);
	}

}
