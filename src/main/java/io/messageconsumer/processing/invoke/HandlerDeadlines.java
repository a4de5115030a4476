package io.messageconsumer.processing.invoke;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The handler deadlines and the one thread that watches them: an attempt running past
 * {@link #timeout()} is interrupted ({@link TimeoutHandlerInvoker}); a worker still in its handler
 * {@link #stuckAfter()} that (it ignored the interrupt) is abandoned by its lane. Each watcher
 * registers a periodic check here; none keeps a thread of its own.
 */
public final class HandlerDeadlines implements AutoCloseable {

	/** How long an attempt may ignore the interrupt of its timeout before its worker counts as stuck. */
	public static final Duration STUCK_GRACE = Duration.ofSeconds(5);

	private final Duration timeout;

	private final ScheduledExecutorService checker;

	/**
	 * Create the deadlines and start their thread.
	 * @param timeout the longest a handler attempt may run
	 */
	public HandlerDeadlines(Duration timeout) {
		this.timeout = timeout;
		this.checker = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "consumer-handler-timeout");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * The handler timeout.
	 * @return the longest a handler attempt may run
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * When a worker still running an attempt counts as stuck.
	 * @return the timeout plus {@link #STUCK_GRACE}
	 */
	public Duration stuckAfter() {
		return this.timeout.plus(STUCK_GRACE);
	}

	/**
	 * Run a check every {@code period}, first after one period, on the deadlines' thread.
	 * @param period time between the end of one check and the start of the next
	 * @param check the check; it must not block
	 * @return the check's future, to cancel it
	 */
	public ScheduledFuture<?> checkEvery(Duration period, Runnable check) {
		long millis = period.toMillis();
		return this.checker.scheduleWithFixedDelay(check, millis, millis, TimeUnit.MILLISECONDS);
	}

	/** Stop the thread and every check. */
	@Override
	public void close() {
		this.checker.shutdownNow();
	}

}
