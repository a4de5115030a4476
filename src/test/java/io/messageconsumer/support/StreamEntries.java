package io.messageconsumer.support;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Stream entries as other replicas of a consumer group leave them, for stream-source tests.
 */
public final class StreamEntries {

	private static final RedisScript<String> ADD_AND_READ = RedisScript.of("""
			local id = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])
			redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
			return id""", String.class);

	private StreamEntries() {
	}

	/**
	 * Add an entry and read it as another consumer of the group at once, before the service's
	 * reader can: a replica that read it and died before handling it.
	 * @param redis Redis access
	 * @param group the consumer group
	 * @param consumer the other consumer's name
	 * @param stream the stream key
	 * @param payload the message
	 * @return the entry's id
	 */
	public static RecordId addAndReadAs(StringRedisTemplate redis, String group, String consumer, String stream,
			String payload) {
		return RecordId.of(redis.execute(ADD_AND_READ, List.of(stream), payload, group, consumer));
	}

	/**
	 * Add an entry delivered three times in the group: read by a replica that crashed, then
	 * claimed twice by replicas that crashed too.
	 * @param redis Redis access
	 * @param group the consumer group
	 * @param stream the stream key
	 * @param payload the message
	 * @return the entry's id
	 */
	public static RecordId deliveredThreeTimes(StringRedisTemplate redis, String group, String stream,
			String payload) {
		RecordId entry = addAndReadAs(redis, group, "crasher", stream, payload);
		for (int i = 0; i < 2; i++) {
			redis.opsForStream().claim(stream, group, "crasher", Duration.ZERO, entry);
		}
		return entry;
	}

}
