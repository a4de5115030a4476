package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.redis.RedisAsync;

/**
 * The gauge {@code consumer.dead.letter.stream.length}: entries in the dead-letter stream
 * ({@code XLEN}), what waits for someone to look at it, replays and deletions included. Sampled
 * every {@value #INTERVAL_MILLIS} ms on the application's task scheduler, from start-up on, so
 * that a scrape sends no Redis command; NaN until the first sample, then the last length read
 * (while Redis is away the length cannot change by this service anyway).
 */
public class DeadLetterStreamLength implements MeterBinder {

	/** How often the length is read. */
	static final long INTERVAL_MILLIS = 5000;

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(DeadLetterStreamLength.class);

	private final StringRedisTemplate redis;

	private final String stream;

	private final byte[] key;

	private volatile double length = Double.NaN;

	/**
	 * Create the gauge's sampler.
	 * @param redis Redis access
	 * @param stream the dead-letter stream key
	 */
	public DeadLetterStreamLength(StringRedisTemplate redis, String stream) {
		this.redis = redis;
		this.stream = stream;
		this.key = stream.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("consumer.dead.letter.stream.length", this, (sampler) -> sampler.length)
			.description("Entries in the dead-letter stream (XLEN), sampled every 5 s")
			.tag("stream", this.stream)
			.register(registry);
	}

	/** Read the stream's length. */
	@Scheduled(fixedDelay = INTERVAL_MILLIS)
	public void sample() {
		try {
			Long read = RedisAsync.call(this.redis, TIMEOUT, (commands) -> commands.xlen(this.key));
			this.length = (read != null) ? read : 0;
		}
		catch (RuntimeException ex) {
			logger.debug("Reading the length of " + this.stream + " failed: " + ex.getMessage());
		}
	}

}
