package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.domain.Range.Bound;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Reads and deletes entries of the dead-letter stream, one bounded page at a time.
 */
final class DeadLetterStream {

	/**
	 * One page of {@code entry id, reason} pairs, newest first: counting reasons this way moves
	 * no payloads, and each call holds Redis for one page only.
	 */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> REASONS = RedisScript.of("""
			local entries = redis.call('XREVRANGE', KEYS[1], ARGV[1], '-', 'COUNT', ARGV[2])
			local out = {}
			for _, entry in ipairs(entries) do
				local fields, reason = entry[2], ''
				for i = 1, #fields, 2 do
					if fields[i] == 'reason' then reason = fields[i + 1] break end
				end
				out[#out + 1] = entry[1]
				out[#out + 1] = reason
			end
			return out
			""", List.class);

	private final StringRedisTemplate redis;

	private final String name;

	private final byte[] key;

	DeadLetterStream(StringRedisTemplate redis, String name) {
		this.redis = redis;
		this.name = name;
		this.key = name.getBytes(StandardCharsets.UTF_8);
	}

	String name() {
		return this.name;
	}

	long length() {
		Long length = this.redis.execute((RedisCallback<Long>) (connection) -> connection.streamCommands().xLen(this.key));
		return (length != null) ? length : 0;
	}

	/**
	 * The newest entries.
	 * @param count how many at most
	 * @return the entries, newest first
	 */
	List<DeadLetterEntry> newest(int count) {
		return read(true, Range.unbounded(), count);
	}

	/**
	 * The id of the newest entry.
	 * @return the id, or {@code null} when the stream is empty or missing
	 */
	@Nullable String newestId() {
		List<DeadLetterEntry> newest = newest(1);
		return newest.isEmpty() ? null : newest.get(0).entryId();
	}

	/**
	 * A page of entries, oldest first.
	 * @param after the page starts after this entry id; {@code null} for the start of the stream
	 * @param upTo the last entry id the page may include
	 * @param count how many at most
	 * @return the entries, oldest first
	 */
	List<DeadLetterEntry> page(@Nullable String after, String upTo, int count) {
		Bound<String> from = (after != null) ? Bound.exclusive(after) : Bound.unbounded();
		return read(false, Range.of(from, Bound.inclusive(upTo)), count);
	}

	/**
	 * A page of entry ids and reasons, newest first.
	 * @param before the page starts before this entry id; {@code null} for the newest entry
	 * @param count how many at most
	 * @return {@code id, reason} pairs, flattened; the reason is empty when the entry has none
	 */
	@SuppressWarnings("unchecked")
	List<String> reasons(@Nullable String before, int count) {
		List<String> pairs = this.redis.execute(REASONS, List.of(this.name),
				(before != null) ? "(" + before : "+", Integer.toString(count));
		return (pairs != null) ? pairs : List.of();
	}

	void delete(String entryId) {
		this.redis.execute((RedisCallback<Long>) (connection) -> connection.streamCommands()
			.xDel(this.key, RecordId.of(entryId)));
	}

	private List<DeadLetterEntry> read(boolean newestFirst, Range<String> range, int count) {
		Limit limit = Limit.limit().count(count);
		List<ByteRecord> records = this.redis.execute((RedisCallback<List<ByteRecord>>) (connection) -> newestFirst
				? connection.streamCommands().xRevRange(this.key, range, limit)
				: connection.streamCommands().xRange(this.key, range, limit));
		return (records != null) ? records.stream().map(DeadLetterEntry::of).toList() : List.of();
	}

}
