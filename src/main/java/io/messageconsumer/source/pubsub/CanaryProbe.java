package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * Proves the subscription delivers: publishes a numbered probe to this instance's own canary
 * channel every interval, on the connection the real channels use, and notices when a probe
 * does not come back in time.
 * <p>
 * This catches the zombie subscription: a reconnected connection that no longer receives
 * while every PING-based check stays green. Probes never reach handlers or meters. None is sent
 * before the listener container is first listening: a probe published before the subscription
 * exists is lost by design and would make a healthy consumer look dead just after start-up.
 */
class CanaryProbe implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(CanaryProbe.class);

	private final BiConsumer<String, String> publisher;

	private final String channel;

	private final byte[] channelBytes;

	private final Duration interval;

	private final long timeoutNanos;

	private final BooleanSupplier listening;

	private volatile boolean started;

	private long sent;

	private volatile long lastSent;

	private volatile long lastSeen;

	private volatile long outstandingSinceNanos;

	private volatile Instant lastSeenAt;

	private long lastPublishNanos = System.nanoTime() - Duration.ofDays(1).toNanos();

	private final TaskScheduler scheduler;

	private volatile ScheduledFuture<?> ticks;

	/**
	 * A probe publishing with {@code PUBLISH}.
	 */
	CanaryProbe(StringRedisTemplate redis, String channel, Duration interval, Duration timeout,
			BooleanSupplier listening, TaskScheduler scheduler) {
		this(redis::convertAndSend, channel, interval, timeout, listening, scheduler);
	}

	/**
	 * A probe publishing with a command of the caller's ({@code SPUBLISH} for a shard channel).
	 * @param publisher publishes a probe: channel, then body; throws when Redis does not take it
	 */
	CanaryProbe(BiConsumer<String, String> publisher, String channel, Duration interval, Duration timeout,
			BooleanSupplier listening, TaskScheduler scheduler) {
		this.listening = listening;
		this.scheduler = scheduler;
		this.publisher = publisher;
		this.channel = channel;
		this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
		this.interval = interval;
		this.timeoutNanos = timeout.toNanos();
	}

	String channel() {
		return this.channel;
	}

	/** Whether a message arrived on the canary channel. */
	boolean isCanary(byte[] messageChannel) {
		return Arrays.equals(this.channelBytes, messageChannel);
	}

	/** A probe came back. */
	void received(byte[] body) {
		try {
			long number = Long.parseLong(new String(body, StandardCharsets.US_ASCII));
			if (number > this.lastSeen) {
				this.lastSeen = number;
				this.lastSeenAt = Instant.now();
			}
		}
		catch (NumberFormatException ex) {
			// Someone else published on our canary channel; it proves nothing.
		}
	}

	/**
	 * Runs every tick: publishes a probe each interval, and every tick while the last one is overdue,
	 * so a restored subscription is seen as such within a tick.
	 */
	private void tick() {
		if (!this.started) {
			if (!this.listening.getAsBoolean()) {
				return;
			}
			this.started = true;
		}
		long now = System.nanoTime();
		if (now - this.lastPublishNanos >= this.interval.toNanos() || problem() != null) {
			this.lastPublishNanos = now;
			publish();
		}
	}

	private void publish() {
		long number = this.sent + 1;
		try {
			if (this.lastSeen >= this.lastSent) {
				this.outstandingSinceNanos = System.nanoTime();
			}
			this.publisher.accept(this.channel, Long.toString(number));
			this.sent = number;
			this.lastSent = number;
		}
		catch (RuntimeException ex) {
			// Redis unreachable: the subscription check reports that; the probe is retried next interval.
			logger.debug("Canary publish failed: " + ex.getMessage());
		}
	}

	/**
	 * Why the canary says the subscription does not deliver, or {@code null} while it does.
	 * @return the problem, or {@code null}
	 */
	String problem() {
		long seen = this.lastSeen;
		long lastSentNumber = this.lastSent;
		if (seen >= lastSentNumber) {
			return null;
		}
		long waited = System.nanoTime() - this.outstandingSinceNanos;
		return (waited > this.timeoutNanos) ? "canary probe " + (seen + 1) + " not received within "
				+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms" : null;
	}

	/**
	 * When a probe last came back.
	 * @return the instant, or {@code null} before the first
	 */
	Instant lastSeenAt() {
		return this.lastSeenAt;
	}

	@Override
	public synchronized void start() {
		if (this.ticks == null) {
			// On the application's task scheduler, as every periodic task of the service.
			Duration tick = (this.interval.compareTo(Duration.ofSeconds(1)) < 0) ? this.interval : Duration.ofSeconds(1);
			this.ticks = this.scheduler.scheduleWithFixedDelay(this::tick, tick);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.ticks != null) {
			this.ticks.cancel(false);
			this.ticks = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.ticks != null;
	}

}
