package io.messageconsumer.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Publishes numbered messages at a fixed rate on a thread of its own, through its own Lettuce
 * client that reconnects by itself, and remembers which numbers Redis delivered to at least one
 * subscriber ({@code PUBLISH} answered 1 or more).
 */
public final class RatePublisher implements AutoCloseable {

	private static final int PER_TICK = 10;

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final String channel;

	private final LongFunction<String> message;

	private final long tickNanos;

	private final Set<Long> delivered = ConcurrentHashMap.newKeySet();

	private final AtomicLong published = new AtomicLong();

	private final Thread thread;

	private volatile boolean running = true;

	/**
	 * Start publishing.
	 * @param redisUrl the server
	 * @param channel the channel
	 * @param perSecond messages per second
	 * @param message the message for a number
	 */
	public RatePublisher(String redisUrl, String channel, int perSecond, LongFunction<String> message) {
		this.client = RedisClient.create(RedisURI.create(redisUrl));
		this.client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.connection = this.client.connect();
		this.connection.setTimeout(Duration.ofSeconds(2));
		this.channel = channel;
		this.message = message;
		this.tickNanos = Duration.ofSeconds(1).toNanos() * PER_TICK / perSecond;
		this.thread = new Thread(this::run, "rate-publisher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
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
			next += this.tickNanos;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
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

	@Override
	public void close() {
		this.running = false;
		try {
			this.thread.join(Duration.ofSeconds(5).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.connection.close();
		this.client.shutdown();
	}

}
