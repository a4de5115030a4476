package io.messageconsumer.source.pubsub;

import java.util.Properties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The server's pub/sub soft output-buffer limit ({@code client-output-buffer-limit pubsub}), read
 * once; Redis's default of 8 MiB is assumed while it cannot be read (e.g. {@code CONFIG} denied).
 */
class OutputBufferLimit {

	private static final Log logger = LogFactory.getLog(OutputBufferLimit.class);

	/** Redis's default {@code client-output-buffer-limit pubsub} soft limit. */
	static final long DEFAULT_SOFT_LIMIT = 8L * 1024 * 1024;

	private final StringRedisTemplate redis;

	private volatile long softLimitBytes = -1;

	OutputBufferLimit(StringRedisTemplate redis) {
		this.redis = redis;
	}

	long softLimitBytes() {
		long limit = this.softLimitBytes;
		if (limit > 0) {
			return limit;
		}
		try {
			Properties config = this.redis.execute((RedisCallback<Properties>) (connection) -> connection
				.serverCommands()
				.getConfig("client-output-buffer-limit"));
			long parsed = parseSoftLimit((config != null) ? config.getProperty("client-output-buffer-limit") : null);
			limit = (parsed > 0) ? parsed : DEFAULT_SOFT_LIMIT;
			this.softLimitBytes = limit;
			return limit;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read client-output-buffer-limit, assuming 8 MiB: " + ex.getMessage());
			return DEFAULT_SOFT_LIMIT;
		}
	}

	/** The soft limit from a value like {@code normal 0 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60}. */
	static long parseSoftLimit(String value) {
		if (value == null) {
			return -1;
		}
		String[] parts = value.trim().split("\\s+");
		for (int i = 0; i + 2 < parts.length; i++) {
			if ("pubsub".equals(parts[i])) {
				try {
					return Long.parseLong(parts[i + 2]);
				}
				catch (NumberFormatException ex) {
					return -1;
				}
			}
		}
		return -1;
	}

}
