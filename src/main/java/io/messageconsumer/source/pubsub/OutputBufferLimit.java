package io.messageconsumer.source.pubsub;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.support.LogText;

/**
 * The server's pub/sub soft output-buffer limit ({@code client-output-buffer-limit pubsub}), read
 * once (on a cluster, the lowest of every node's); Redis's default of 8 MiB is assumed while it
 * cannot be read.
 * <p>
 * {@code CONFIG GET} is a nice-to-have: a least-privilege user is not granted it (it would also
 * read every other setting). A denial ({@code NOPERM}) is logged once and the default is kept for
 * good, rather than asking again, and being refused again, at every health probe. While Redis
 * cannot be reached it is asked again at most every ten seconds: every look at the subscription's
 * status reads this limit, and each failed read would be one more connection attempt.
 */
class OutputBufferLimit {

	private static final Log logger = LogFactory.getLog(OutputBufferLimit.class);

	/** Redis's default {@code client-output-buffer-limit pubsub} soft limit. */
	static final long DEFAULT_SOFT_LIMIT = 8L * 1024 * 1024;

	private static final String PARAMETER = "client-output-buffer-limit";

	private final StringRedisTemplate redis;

	private static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

	private volatile long softLimitBytes = -1;

	private volatile long nextReadNanos = System.nanoTime();

	OutputBufferLimit(StringRedisTemplate redis) {
		this.redis = redis;
	}

	long softLimitBytes() {
		long limit = this.softLimitBytes;
		if (limit > 0) {
			return limit;
		}
		return (System.nanoTime() - this.nextReadNanos >= 0) ? read() : DEFAULT_SOFT_LIMIT;
	}

	/** One caller at a time asks Redis, so a denial is logged once even under concurrent probes. */
	private synchronized long read() {
		long limit = this.softLimitBytes;
		if (limit > 0) {
			return limit;
		}
		try {
			Properties config = this.redis.execute((RedisCallback<Properties>) (connection) -> connection
				.serverCommands()
				.getConfig(PARAMETER));
			long parsed = softLimit(config);
			limit = (parsed > 0) ? parsed : DEFAULT_SOFT_LIMIT;
			this.softLimitBytes = limit;
			return limit;
		}
		catch (RuntimeException ex) {
			if (isDenied(ex)) {
				logger.info("Redis denies CONFIG GET to the configured user (" + LogText.safe(message(ex), 200)
						+ "): assuming the default pub/sub output-buffer soft limit of 8 MiB (grant +config|get for the "
						+ "server's own value; docs/redis-access.md)");
				this.softLimitBytes = DEFAULT_SOFT_LIMIT;
			}
			else {
				this.nextReadNanos = System.nanoTime() + RETRY_AFTER_NANOS;
				logger.debug("Could not read client-output-buffer-limit, assuming 8 MiB: " + ex.getMessage());
			}
			return DEFAULT_SOFT_LIMIT;
		}
	}

	private static boolean isDenied(Throwable ex) {
		return message(ex).startsWith("NOPERM");
	}

	/** The message of the innermost cause that carries Redis's error reply, or the outermost one. */
	private static String message(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("NOPERM")) {
				return cause.getMessage();
			}
		}
		return String.valueOf(ex.getMessage());
	}

	/**
	 * The soft limit from a {@code CONFIG GET} reply. On a cluster Spring Data Redis asks every node
	 * and prefixes each key with the node ({@code 127.0.0.1:7001.client-output-buffer-limit}); the
	 * subscriber is connected to one of them, so the lowest limit is the one that is safe to assume.
	 */
	static long softLimit(Properties config) {
		long lowest = -1;
		if (config != null) {
			for (String key : config.stringPropertyNames()) {
				if (key.equals(PARAMETER) || key.endsWith("." + PARAMETER)) {
					long limit = parseSoftLimit(config.getProperty(key));
					lowest = (limit > 0 && (lowest < 0 || limit < lowest)) ? limit : lowest;
				}
			}
		}
		return lowest;
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
