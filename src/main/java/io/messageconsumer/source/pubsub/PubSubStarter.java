package io.messageconsumer.source.pubsub;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.support.BackOffs;

/**
 * Starts the listener container in the background, retrying until Redis answers.
 * <p>
 * The container's own start fails the application when Redis is unreachable at that moment;
 * a consumer must instead start, report itself not ready, and subscribe as soon as Redis
 * answers. Honours {@code spring.data.redis.listener.auto-startup}. Once first subscribed it warms
 * the path up through Redis ({@link PubSubWarmUp}), so a burst published the moment the service is
 * ready meets compiled code, and then has the subscription checked at once: readiness follows
 * within a Redis round trip rather than at the next periodic check (up to 2 s later).
 */
class PubSubStarter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PubSubStarter.class);

	/** Between attempts to subscribe: 500 ms, doubling, at most 5 s, until Redis answers. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(500), Duration.ofSeconds(5));

	private final RedisMessageListenerContainer container;

	private final boolean autoStartup;

	private final Runnable warmUp;

	private final Runnable subscribed;

	private volatile Thread thread;

	/**
	 * Create the starter.
	 * @param container the listener container to start
	 * @param autoStartup whether to start with the application
	 * @param warmUp run after each successful start of the container (it warms up once)
	 * @param subscribed run after each successful start of the container
	 */
	PubSubStarter(RedisMessageListenerContainer container, boolean autoStartup, Runnable warmUp, Runnable subscribed) {
		this.container = container;
		this.autoStartup = autoStartup;
		this.warmUp = warmUp;
		this.subscribed = subscribed;
	}

	@Override
	public synchronized void start() {
		if (this.thread == null) {
			this.thread = new Thread(this::subscribe, "pubsub-starter");
			this.thread.setDaemon(true);
			this.thread.start();
		}
	}

	private void subscribe() {
		BackOffExecution backOff = RETRY.start();
		while (!Thread.currentThread().isInterrupted()) {
			long wait = backOff.nextBackOff();
			try {
				this.container.start();
				if (this.container.isRunning()) {
					logger.info("Pub/sub listener container started");
					// Subscribed, so nothing published from now on is lost; readiness waits for the warm-up.
					this.warmUp.run();
					this.subscribed.run();
					return;
				}
			}
			catch (RuntimeException ex) {
				this.container.stop();
				logger.warn("Redis not reachable for subscribing (" + rootMessage(ex) + "); retrying in " + wait + " ms");
			}
			try {
				Thread.sleep(wait);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	/**
	 * Drop the subscription and subscribe again: the repair for a connection that Redis accepted
	 * but that does not hold or deliver the subscriptions (a zombie).
	 */
	synchronized void resubscribe() {
		Thread current = this.thread;
		if (current != null && current.isAlive()) {
			return;
		}
		logger.warn("Pub/sub subscription is not delivering: dropping it and subscribing again");
		this.container.stop();
		this.thread = null;
		start();
	}

	@Override
	public synchronized void stop() {
		Thread current = this.thread;
		if (current != null) {
			current.interrupt();
			this.thread = null;
		}
		this.container.stop();
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return this.container.getPhase();
	}

}
