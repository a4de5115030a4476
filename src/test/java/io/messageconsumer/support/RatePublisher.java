package io.messageconsumer.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Publishes numbered messages at a fixed rate on a thread of its own, through its own Lettuce
 * client that reconnects by itself, and remembers which numbers Redis delivered to at least one
 * subscriber ({@code PUBLISH} answered 1 or more).
 */
public final class RatePublisher extends BackgroundPublisher {

	private static final int PER_TICK = 10;

	private final String channel;

	private final LongFunction<String> message;

	private final long tickNanos;

	private final Set<Long> delivered = ConcurrentHashMap.newKeySet();

	private final AtomicLong published = new AtomicLong();

	/**
	 * Start publishing.
	 * @param redisUrl the server
	 * @param channel the channel
	 * @param perSecond messages per second
	 * @param message the message for a number
	 */
	public RatePublisher(String redisUrl, String channel, int perSecond, LongFunction<String> message) {
		super(redisUrl, Duration.ofSeconds(2), "rate-publisher");
		this.channel = channel;
		this.message = message;
		this.tickNanos = Duration.ofSeconds(1).toNanos() * PER_TICK / perSecond;
		start();
	}

	@Override
	protected void run() {
		RedisAsyncCommands<String, String> commands = this.connection.async();
		long next = System.nanoTime();
		while (this.running) {
			for (int i = 0; i < PER_TICK; i++) {
				long number = this.published.incrementAndGet();
				commands.publish(this.channel, this.message.apply(number)).whenComplete((receivers, ex) -> {
					if (ex == null && receivers > 0) {
						this.delivered.add(number);
					}
				});
			}
			next = awaitNextTick(next, this.tickNanos);
		}
	}

	/**
	 * The numbers Redis delivered to a subscriber so far.
	 * @return a copy
	 */
	public Set<Long> delivered() {
		return Set.copyOf(this.delivered);
	}

	/**
	 * How many messages were sent (delivered or not).
	 * @return the count
	 */
	public long published() {
		return this.published.get();
	}

}
