package io.messageconsumer.support;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Adds a fixed number of numbered entries to a stream at a steady rate, on a thread of its own,
 * through its own Lettuce client (pipelined: a tick's {@code XADD}s go out without waiting for
 * replies). The message goes in the entry field {@code payload}. While Redis is away commands
 * fail at once rather than queue (a reply that takes longer than 30 s counts as failed too); it
 * remembers which numbers Redis confirmed, and does not send a failed number again (its entry may
 * or may not have been added).
 */
public final class StreamPublisher implements AutoCloseable {

	private static final Duration TICK = Duration.ofMillis(10);

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final String stream;

	private final long total;

	private final int perTick;

	private final LongFunction<String> message;

	private final BitSet confirmed = new BitSet();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final Thread thread;

	private volatile boolean running = true;

	/**
	 * Start adding entries numbered {@code 0} to {@code total - 1}.
	 * @param redisUrl the server
	 * @param stream the stream key
	 * @param total how many entries
	 * @param perSecond entries per second
	 * @param message the message for a number
	 */
	public StreamPublisher(String redisUrl, String stream, long total, int perSecond, LongFunction<String> message) {
		this.client = RedisClient.create(RedisURI.create(redisUrl));
		this.client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.connection = this.client.connect();
		// Generous: on a loaded machine (several service JVMs on two cores) a reply can lag for
		// seconds, and a timed-out XADD is a number lost to the test, not to the service.
		this.connection.setTimeout(Duration.ofSeconds(30));
		this.stream = stream;
		this.total = total;
		this.perTick = (int) Math.max(1, perSecond * TICK.toMillis() / 1000);
		this.message = message;
		this.thread = new Thread(this::run, "stream-publisher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		RedisAsyncCommands<String, String> commands = this.connection.async();
		long next = System.nanoTime();
		while (this.running && this.sent.get() < this.total) {
			for (int i = 0; i < this.perTick && this.sent.get() < this.total; i++) {
				long number = this.sent.getAndIncrement();
				try {
					commands.xadd(this.stream, "payload", this.message.apply(number)).whenComplete((id, ex) -> {
						if (ex == null) {
							synchronized (this.confirmed) {
								this.confirmed.set((int) number);
							}
						}
						else {
							this.failed.incrementAndGet();
						}
					});
				}
				catch (RuntimeException ex) {
					this.failed.incrementAndGet();
				}
			}
			next += TICK.toNanos();
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
		}
	}

	/**
	 * How many entries were sent so far (confirmed or not).
	 * @return the count
	 */
	public long sent() {
		return this.sent.get();
	}

	/**
	 * How many {@code XADD}s failed (the entry may still have been added).
	 * @return the count
	 */
	public long failed() {
		return this.failed.get();
	}

	/**
	 * Whether Redis confirmed the entry of a number.
	 * @param number the number
	 * @return {@code true} when confirmed
	 */
	public boolean isConfirmed(long number) {
		synchronized (this.confirmed) {
			return this.confirmed.get((int) number);
		}
	}

	/**
	 * How many entries Redis confirmed.
	 * @return the count
	 */
	public long confirmed() {
		synchronized (this.confirmed) {
			return this.confirmed.cardinality();
		}
	}

	/**
	 * Whether every entry was sent and answered (confirmed or failed).
	 * @return {@code true} when done
	 */
	public boolean isDone() {
		return this.sent.get() >= this.total && confirmed() + this.failed.get() >= this.total;
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
