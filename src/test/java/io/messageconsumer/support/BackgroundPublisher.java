package io.messageconsumer.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * A publisher on a thread of its own, through its own Lettuce client that reconnects by itself
 * and, while Redis is away, fails commands at once rather than queue them: the base of
 * {@link RatePublisher} and {@link StreamPublisher}.
 */
public abstract class BackgroundPublisher implements AutoCloseable {

	private final RedisClient client;

	/** The publisher's connection. */
	protected final StatefulRedisConnection<String, String> connection;

	private final Thread thread;

	/** Whether to go on; {@link #close()} clears it. */
	protected volatile boolean running = true;

	/**
	 * Connect; the subclass calls {@link #start()} once its own fields are set.
	 * @param redisUrl the server
	 * @param commandTimeout how long a command may take before it counts as failed
	 * @param threadName the thread's name
	 */
	protected BackgroundPublisher(String redisUrl, Duration commandTimeout, String threadName) {
		this.client = RedisClient.create(RedisURI.create(redisUrl));
		this.client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.connection = this.client.connect();
		this.connection.setTimeout(commandTimeout);
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	/** Start the publishing thread. */
	protected final void start() {
		this.thread.start();
	}

	/** Publish until {@link #running} is cleared, or until done. */
	protected abstract void run();

	/**
	 * Wait for the next tick of a steady pace.
	 * @param next when the tick that just went out was due, in {@link System#nanoTime()}
	 * @param tickNanos the time between ticks
	 * @return when the next tick is due
	 */
	protected static long awaitNextTick(long next, long tickNanos) {
		long due = next + tickNanos;
		long wait = due - System.nanoTime();
		if (wait > 0) {
			LockSupport.parkNanos(wait);
		}
		return due;
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
