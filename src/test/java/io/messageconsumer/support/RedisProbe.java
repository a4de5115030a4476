package io.messageconsumer.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes raw bytes and reads the dead-letter stream back, for integration tests.
 */
public final class RedisProbe {

	private final StringRedisTemplate redis;

	/**
	 * Create the probe.
	 * @param redis Redis access
	 */
	public RedisProbe(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/**
	 * PUBLISH a string.
	 * @param channel the channel
	 * @param message the message
	 */
	public void publish(String channel, String message) {
		publish(channel, message.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * PUBLISH raw bytes.
	 * @param channel the channel
	 * @param message the bytes
	 */
	public void publish(String channel, byte[] message) {
		this.redis.execute((RedisCallback<Long>) (connection) -> connection
			.publish(channel.getBytes(StandardCharsets.UTF_8), message));
	}

	/**
	 * Every entry of a stream, fields decoded as UTF-8 (the payload too).
	 * @param stream the stream key
	 * @return the entries, oldest first
	 */
	public List<Map<String, String>> entries(String stream) {
		List<ByteRecord> records = this.redis.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection
			.streamCommands()
			.xRange(stream.getBytes(StandardCharsets.UTF_8), Range.unbounded()));
		List<Map<String, String>> entries = new ArrayList<>();
		if (records != null) {
			for (ByteRecord record : records) {
				Map<String, String> fields = new LinkedHashMap<>();
				record.getValue()
					.forEach((key, value) -> fields.put(new String(key, StandardCharsets.UTF_8),
							new String(value, StandardCharsets.UTF_8)));
				entries.add(fields);
			}
		}
		return entries;
	}

	/**
	 * Dead-letter entries whose {@code channel} field is the given one.
	 * @param stream the dead-letter stream key
	 * @param channel the channel
	 * @return the entries, oldest first
	 */
	public List<Map<String, String>> deadLetters(String stream, String channel) {
		return entries(stream).stream().filter((entry) -> channel.equals(entry.get("channel"))).toList();
	}

}
