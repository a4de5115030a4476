package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import io.messageconsumer.redis.RedisProblem;
import io.messageconsumer.support.BackOffs;

/**
 * When the {@link ShardSubscriber} tries to subscribe its pending channels: at most one attempt
 * scheduled or running, on a scheduler thread (never the connection's), whatever the number of
 * channels, so two attempts never route the same channel on two views of the cluster; the next one
 * at once while channels are pending, or after a backoff when an attempt failed.
 */
final class ShardAttempts {

	/** Logs as the subscriber: one category to follow the shard channels by. */
	private static final Log logger = LogFactory.getLog(ShardSubscriber.class);

	/** Between attempts to subscribe a channel: 100 ms, doubling, at most 2 s, so a move is followed within seconds. */
	private static final BackOff RETRY = BackOffs.doubling(Duration.ofMillis(100), Duration.ofSeconds(2));

	private final TaskScheduler scheduler;

	private final Supplier<RuntimeException> attempt;

	private final BooleanSupplier pending;

	private final RedisProblem problems = new RedisProblem(logger);

	private boolean running;

	private boolean scheduled;

	private BackOffExecution backOff;

	/**
	 * @param scheduler runs the attempts
	 * @param attempt one attempt, giving its failure, or {@code null}
	 * @param pending whether channels are still to be subscribed
	 */
	ShardAttempts(TaskScheduler scheduler, Supplier<RuntimeException> attempt, BooleanSupplier pending) {
		this.scheduler = scheduler;
		this.attempt = attempt;
		this.pending = pending;
	}

	/** Attempt now, and again as long as channels are pending, until {@link #stop()}. */
	synchronized void start() {
		this.running = true;
		now(false);
	}

	/**
	 * Attempt as soon as the attempt running, if any, is done.
	 * @param resetBackOff whether a failure starts the backoff again from its shortest wait
	 * (a channel just dropped: its new owner is likely known already)
	 */
	synchronized void now(boolean resetBackOff) {
		if (resetBackOff) {
			this.backOff = null;
		}
		schedule(Instant.now());
	}

	/** No attempt after the one running, if any. */
	synchronized void stop() {
		this.running = false;
		this.backOff = null;
	}

	private synchronized void schedule(Instant at) {
		if (this.running && !this.scheduled) {
			this.scheduled = true;
			this.scheduler.schedule(this::run, at);
		}
	}

	private void run() {
		RuntimeException failure;
		try {
			failure = isRunning() ? this.attempt.get() : null;
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		finish(failure);
	}

	private synchronized boolean isRunning() {
		return this.running;
	}

	private synchronized void finish(RuntimeException failure) {
		this.scheduled = false;
		if (!this.running) {
			return;
		}
		if (failure != null) {
			this.problems.report(RedisProblem.describe(failure));
			if (this.backOff == null) {
				this.backOff = RETRY.start();
			}
			schedule(Instant.now().plusMillis(this.backOff.nextBackOff()));
		}
		else {
			this.problems.clear();
			if (this.pending.getAsBoolean()) {
				schedule(Instant.now());
			}
		}
	}

}
