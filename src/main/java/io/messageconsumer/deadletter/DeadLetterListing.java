package io.messageconsumer.deadletter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.messageconsumer.support.LogText;

/**
 * What the dead-letter stream holds: its length, counts by reason over its newest entries, and
 * the newest entries themselves.
 */
final class DeadLetterListing {

	/** Entries the reason counts cover at most, newest first. */
	static final int SCAN_LIMIT = 10_000;

	static final int DEFAULT_COUNT = 20;

	static final int MAX_COUNT = 1_000;

	private static final int PAGE = 500;

	private final DeadLetterStream stream;

	DeadLetterListing(DeadLetterStream stream) {
		this.stream = stream;
	}

	/**
	 * List the stream.
	 * @param count newest entries to include, at most {@link #MAX_COUNT}
	 * @return {@code stream}, {@code total}, {@code scanned}, {@code scanLimit}, {@code scanComplete},
	 * {@code byReason} and {@code newest}
	 */
	Map<String, Object> list(int count) {
		long total = this.stream.length();
		Map<String, Long> byReason = new TreeMap<>();
		int scanned = 0;
		boolean complete = false;
		String before = null;
		while (!complete && scanned < SCAN_LIMIT) {
			int wanted = Math.min(PAGE, SCAN_LIMIT - scanned);
			List<String> pairs = this.stream.reasons(before, wanted);
			for (int i = 0; i + 1 < pairs.size(); i += 2) {
				String reason = pairs.get(i + 1).isEmpty() ? "none" : LogText.safe(pairs.get(i + 1));
				byReason.merge(reason, 1L, Long::sum);
			}
			scanned += pairs.size() / 2;
			complete = pairs.size() / 2 < wanted;
			before = pairs.isEmpty() ? before : pairs.get(pairs.size() - 2);
		}
		if (!complete) {
			complete = this.stream.reasons(before, 1).isEmpty();
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("stream", this.stream.name());
		body.put("total", total);
		body.put("scanned", scanned);
		body.put("scanLimit", SCAN_LIMIT);
		// Incomplete when the stream holds more than the scan limit: the counts cover the newest entries only.
		body.put("scanComplete", complete);
		body.put("byReason", byReason);
		body.put("newest", this.stream.newest(count).stream().map(DeadLetterEntry::describe).toList());
		return body;
	}

}
