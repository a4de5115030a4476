package io.messageconsumer.support;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Adds a fixed number of numbered entries to a stream at a steady rate, on a thread of its own,
 * through its own Lettuce client (pipelined: a tick's {@code XADD}s go out without waiting for
 * replies). The message goes in the entry field {@code payload}. While Redis is away commands
 * fail at once rather than queue (a reply that takes longer than 30 s counts as failed too); it
 * remembers which numbers Redis confirmed, and does not send a failed number again (its entry may
 * or may not have been added).
 */
public final class StreamPublisher extends BackgroundPublisher {

	private static final Duration TICK = Duration.ofMillis(10);

	private final String stream;

	private final long total;

	private final int perTick;

	private final LongFunction<String> message;

	private final BitSet confirmed = new BitSet();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	/**
	 * Start adding entries numbered {@code 0} to {@code total - 1}.
	 * @param redisUrl the server
	 * @param stream the stream key
	 * @param total how many entries
	 * @param perSecond entries per second
	 * @param message the message for a number
	 */
	public StreamPublisher(String redisUrl, String stream, long total, int perSecond, LongFunction<String> message) {
		// A generous command timeout: on a loaded machine (several service JVMs on two cores) a reply
		// can lag for seconds, and a timed-out XADD is a number lost to the test, not to the service.
		super(redisUrl, Duration.ofSeconds(30), "stream-publisher");
		this.stream = stream;
		this.total = total;
		this.perTick = (int) Math.max(1, perSecond * TICK.toMillis() / 1000);
		this.message = message;
		start();
	}

	@Override
	protected void run() {
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
			next = awaitNextTick(next, TICK.toNanos());
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

}
