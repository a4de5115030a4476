package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.RedisClientInfo;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.source.SourceStatus;
import io.messageconsumer.redis.RedisProblem;

/**
 * Checks, from the Redis server's side, that this instance's subscriber connection really
 * holds every configured subscription, and, with the {@link CanaryProbe}, that it delivers; and
 * that every slot owner of a shard channel holds this instance's shard subscriptions, which deliver
 * ({@link ShardHealth}).
 * <p>
 * Every two seconds it reads {@code CLIENT LIST} and finds the connection by this instance's
 * client name. The listener container alone cannot tell: after a Redis restart it still says
 * it is listening while Lettuce reconnects. The connection's output buffer
 * ({@code omem}) is the gauge {@code consumer.redis.output.buffer}; above half of the pub/sub
 * soft limit the source reports itself degraded, before Redis cuts it off.
 */
class SubscriptionMonitor implements SourceStatus.Source {

	private static final Log logger = LogFactory.getLog(SubscriptionMonitor.class);

	/** A check older than this counts as failed: the monitor itself is stuck. */
	private static final Duration STALE_AFTER = Duration.ofSeconds(10);

	/** Consecutive checks with Redis reachable but not delivering before subscribing again (about 10 s). */
	private static final int ZOMBIE_CHECKS = 5;

	/** Messages seen this recently mean the subscription delivers, whatever the canary says. */
	private static final Duration RECENT_TRAFFIC = Duration.ofSeconds(3);

	/** Subscribed, but not consuming yet: the warm-up through Redis runs (PubSubWarmUp). */
	private static final String WARMING_UP = "warming up through Redis";

	private final RedisMessageListenerContainer container;

	private final StringRedisTemplate redis;

	private final SubscriberCheck.Subscriptions subscriptions;

	private final CanaryProbe canary;

	private final BooleanSupplier warm;

	private final LongSupplier lastMessageNanos;

	private final Runnable resubscribe;

	private final OutputBufferLimit outputBufferLimit;

	private final RedisProblem problems = new RedisProblem(logger);

	private volatile SubscriberCheck last = SubscriberCheck.NOT_CHECKED;

	private final ShardHealth shards;

	/** Consecutive checks that found Redis reachable but the subscription not delivering. */
	private int failingWhileReachable;

	SubscriptionMonitor(RedisMessageListenerContainer container, StringRedisTemplate redis, String clientName,
			List<String> channels, List<String> patterns, CanaryProbe canary, BooleanSupplier warm,
			LongSupplier lastMessageNanos, Runnable resubscribe, ShardHealth shards, MeterRegistry meters) {
		this.container = container;
		this.redis = redis;
		this.subscriptions = new SubscriberCheck.Subscriptions(clientName, channels, patterns);
		this.canary = canary;
		this.warm = warm;
		this.lastMessageNanos = lastMessageNanos;
		this.resubscribe = resubscribe;
		this.shards = shards;
		this.outputBufferLimit = new OutputBufferLimit(redis);
		Gauge.builder("consumer.redis.output.buffer", this, SubscriptionMonitor::outputBufferBytes)
			.description("Bytes Redis holds for the subscriber connection, not yet read (CLIENT LIST omem)")
			.baseUnit("bytes")
			.register(meters);
	}

	/**
	 * The subscriber's output buffer on the server, as last seen.
	 * @return bytes
	 */
	long outputBufferBytes() {
		// The fullest of the subscriber's connections: the classic one, or a shard channel's on its node.
		return Math.max(this.last.outputBufferBytes(), this.shards.outputBufferBytes());
	}

	@Override
	public String name() {
		return PubSubListener.SOURCE;
	}

	/** Check now: every 2 s, and right after the container has subscribed. */
	@Scheduled(fixedDelay = 2000)
	synchronized void check() {
		List<RedisClientInfo> clients;
		try {
			clients = this.redis
				.execute((RedisCallback<List<RedisClientInfo>>) (connection) -> connection.serverCommands().getClientList());
		}
		catch (RuntimeException ex) {
			String problem = RedisProblem.describe(ex);
			this.last = SubscriberCheck.connecting(problem);
			this.problems.report(problem);
			// A crashed cluster node fails the classic read too: the shard owners are asked each on its own.
			this.shards.check(this.subscriptions.clientName(), null);
			return;
		}
		this.problems.clear();
		if (!this.container.isRunning()) {
			this.last = SubscriberCheck.stopped();
			return;
		}
		this.last = this.subscriptions.check(clients);
		this.shards.check(this.subscriptions.clientName(), (clients != null) ? clients : List.of());
		repairIfZombie();
	}

	/**
	 * Redis answers, yet the subscriptions are missing or the canary does not come back: Lettuce
	 * will not fix that by itself (e.g. a resubscribe refused after a reconnect), so subscribe again.
	 */
	private void repairIfZombie() {
		SubscriberCheck check = this.last;
		// A backlog delays the canary too: that is slowness, not a zombie, and dropping it would lose it.
		boolean delivering = check.subscribed() && (this.canary.problem() == null || isBacklogged(check));
		this.failingWhileReachable = delivering ? 0 : this.failingWhileReachable + 1;
		if (this.failingWhileReachable >= ZOMBIE_CHECKS) {
			this.failingWhileReachable = 0;
			this.resubscribe.run();
		}
	}

	/** Messages still arrive, or Redis holds a backlog for us: a late canary is queued, not lost. */
	private boolean isBacklogged(SubscriberCheck check) {
		long sinceLastMessage = System.nanoTime() - this.lastMessageNanos.getAsLong();
		return check.outputBufferBytes() > 0 || sinceLastMessage < RECENT_TRAFFIC.toNanos();
	}

	@Override
	public SourceStatus status() {
		SubscriberCheck check = this.last;
		boolean fresh = Duration.between(check.checkedAt(), Instant.now()).compareTo(STALE_AFTER) < 0;
		boolean listening = this.container.isListening();
		String canaryProblem = this.canary.problem();
		boolean canaryDelayed = canaryProblem != null && check.subscribed() && isBacklogged(check);
		if (canaryDelayed) {
			canaryProblem = null;
		}
		String problem = !fresh ? "subscription check is stale" : (check.problem() != null) ? check.problem()
				: !listening ? "listener container is not listening" : !this.warm.getAsBoolean() ? WARMING_UP
						: (canaryProblem != null) ? canaryProblem : this.shards.problem(isBacklogged(check));
		long softLimit = this.outputBufferLimit.softLimitBytes();
		boolean bufferFilling = outputBufferBytes() > softLimit / 2;
		boolean backlogged = bufferFilling || canaryDelayed;
		SourceStatus.Level level = (problem != null) ? SourceStatus.Level.DOWN
				: backlogged ? SourceStatus.Level.DEGRADED : SourceStatus.Level.CONSUMING;
		String state = switch (level) {
			case CONSUMING -> "consuming";
			case DEGRADED -> "backlogged";
			case DOWN -> problem.equals(WARMING_UP) ? "warming up"
					: (canaryProblem != null && problem.equals(canaryProblem)) ? "not delivering"
					: this.shards.isHeldProblem(problem) ? "degraded"
							: this.shards.isCanaryProblem(problem) ? "not delivering" : check.state();
		};
		Map<String, Object> details = details(check, listening, softLimit);
		this.shards.addDetails(details);
		if (problem != null) {
			details.put("reason", problem);
		}
		else if (backlogged) {
			details.put("reason", bufferFilling
					? "output buffer above half of the pub/sub soft limit: the consumer is falling behind"
					: "canary delayed behind a backlog: the consumer is falling behind");
		}
		return new SourceStatus(level, state, details);
	}

	/** What the health details always show: the subscriber, the canary, the output buffer. */
	private Map<String, Object> details(SubscriberCheck check, boolean listening, long softLimit) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("clientName", this.subscriptions.clientName());
		details.put("canaryChannel", this.canary.channel());
		Instant canaryLastSeenAt = this.canary.lastSeenAt();
		if (canaryLastSeenAt != null) {
			// Absent until the first probe came back, rather than the string "null".
			details.put("canaryLastSeenAt", canaryLastSeenAt.toString());
		}
		details.put("listening", listening);
		if (check.clientId() != null) {
			details.put("clientId", check.clientId());
		}
		details.put("outputBufferBytes", check.outputBufferBytes());
		details.put("outputBufferSoftLimitBytes", softLimit);
		details.put("checkedAt", check.checkedAt().toString());
		return details;
	}

}
