package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a channel or pattern name, reusing the string of the previous call when the bytes are
 * the same: a subscriber sees the same few names again and again, so this saves decoding and
 * allocating a string per message. Only the last name is kept, so publisher-chosen channel names
 * (pattern subscriptions) cannot make it grow.
 * <p>
 * Safe for concurrent use: the bytes and their string are published together, immutably.
 */
final class ChannelName {

	private Decoded last = new Decoded(new byte[0], "");

	/**
	 * The name the bytes spell, in UTF-8.
	 * @param bytes the raw name; not modified, and not kept (a copy is)
	 * @return the name
	 */
	String decode(byte[] bytes) {
		Decoded current = this.last;
		if (Arrays.equals(current.bytes, bytes)) {
			return current.name;
		}
		String name = new String(bytes, StandardCharsets.UTF_8);
		this.last = new Decoded(bytes.clone(), name);
		return name;
	}

	private record Decoded(byte[] bytes, String name) {
	}

}
