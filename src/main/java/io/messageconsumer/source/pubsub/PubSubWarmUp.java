package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.processing.PipelineWarmUp;

/**
 * Warms the pub/sub path up through Redis itself, once subscribed and before the source reports
 * itself consuming: the pipeline's synthetic messages ({@link PipelineWarmUp#bodies()}) are
 * published on this instance's own canary channel and come back through Lettuce, the listener
 * container and {@link PubSubListener}, which hands each to {@link PipelineWarmUp#warm(byte[])}:
 * decoding, routing, binding and validation, never a handler, a meter or a dead letter. So the
 * code a burst runs through, the client's included, is compiled before readiness. {@code PUBLISH}
 * leaves no key behind, and the canary channel is private to the instance and already granted
 * (no new subscription, no new ACL rule); a warm-up message is told from a probe by its first
 * byte, a probe being a number.
 * <p>
 * Should the messages not all come back in time (Redis gone, a publish refused), the synthetic
 * warm-up runs instead: readiness never means cold.
 */
final class PubSubWarmUp {

	private static final Log logger = LogFactory.getLog(PubSubWarmUp.class);

	/** Messages per pipelined batch: a bounded share of the subscriber's output buffer at a time. */
	private static final int BATCH = 1000;

	private final Supplier<List<byte[]>> bodies;

	private final Consumer<byte[]> warm;

	private final Runnable withoutRedis;

	private final Consumer<List<byte[]>> publisher;

	private final Duration timeout;

	private final AtomicInteger received = new AtomicInteger();

	private volatile boolean done;

	/**
	 * The pipeline's warm-up, sent through Redis.
	 * @param pipeline the pipeline's warm-up
	 * @param publisher publishes a batch of messages on the canary channel and waits for Redis to take them
	 * @param timeout how long the messages may take to come back before the synthetic warm-up runs instead
	 */
	PubSubWarmUp(PipelineWarmUp pipeline, Consumer<List<byte[]>> publisher, Duration timeout) {
		this(pipeline::bodies, pipeline::warm, pipeline::runOnce, publisher, timeout);
	}

	/**
	 * Create the warm-up.
	 * @param bodies the messages to send
	 * @param warm runs one message that came back through the pipeline
	 * @param withoutRedis the warm-up to run instead when the messages do not come back
	 * @param publisher publishes a batch of messages on the canary channel and waits for Redis to take them
	 * @param timeout how long the messages may take to come back
	 */
	PubSubWarmUp(Supplier<List<byte[]>> bodies, Consumer<byte[]> warm, Runnable withoutRedis,
			Consumer<List<byte[]>> publisher, Duration timeout) {
		this.bodies = bodies;
		this.warm = warm;
		this.withoutRedis = withoutRedis;
		this.publisher = publisher;
		this.timeout = timeout;
	}

	/**
	 * Whether a message on the canary channel is a warm-up message rather than a probe.
	 * @param body the message
	 * @return {@code true} for a warm-up message
	 */
	static boolean isWarmUp(byte[] body) {
		return body.length > 0 && body[0] == '{';
	}

	/**
	 * A warm-up message came back: run it through the pipeline, on the connection's thread.
	 * @param body the message
	 */
	void received(byte[] body) {
		this.warm.accept(body);
		this.received.incrementAndGet();
	}

	/** Whether the warm-up has run. */
	boolean isWarm() {
		return this.done;
	}

	/** Warm up through Redis, unless done already; called once subscribed. Stops when interrupted, not warm. */
	void run() {
		if (this.done) {
			return;
		}
		long started = System.nanoTime();
		List<byte[]> bodies = this.bodies.get();
		this.received.set(0);
		String problem = null;
		try {
			for (int from = 0; from < bodies.size() && !Thread.currentThread().isInterrupted(); from += BATCH) {
				this.publisher.accept(bodies.subList(from, Math.min(from + BATCH, bodies.size())));
			}
			problem = awaitReceived(bodies.size(), started + this.timeout.toNanos());
		}
		catch (RuntimeException ex) {
			problem = ex.getMessage();
		}
		if (Thread.currentThread().isInterrupted()) {
			return;
		}
		if (problem == null) {
			logger.info("Pipeline warmed up through Redis with " + bodies.size() + " messages in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		}
		else {
			logger.warn("Warm-up through Redis incomplete (" + problem + "): warming up without Redis");
			this.withoutRedis.run();
		}
		this.done = true;
	}

	private String awaitReceived(int expected, long deadline) {
		while (this.received.get() < expected) {
			if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
				return this.received.get() + " of " + expected + " came back within " + this.timeout.toMillis() + " ms";
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		return null;
	}

}
