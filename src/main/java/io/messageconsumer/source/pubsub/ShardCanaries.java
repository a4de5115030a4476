package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.lettuce.core.cluster.SlotHash;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;

import io.messageconsumer.config.HealthProperties;
import io.messageconsumer.redis.RedisAsync;

/**
 * A canary per shard channel: a shard channel of this instance's own in the same slot, so on the
 * same owner and the same connection as the channel it guards, and moved with it. Each is probed
 * by a {@link CanaryProbe} with {@code SPUBLISH}: a probe that does not come back proves that
 * shard subscription does not deliver, whatever {@code CLIENT LIST} says.
 */
final class ShardCanaries implements SmartLifecycle {

	private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

	/** How each of their problems starts. */
	static final String PROBLEM_PREFIX = "shard channel canary ";

	/** Probe per canary channel, in the order of the shard channels they guard. */
	private final Map<String, CanaryProbe> probes = new LinkedHashMap<>();

	private final Map<String, String> guarded = new LinkedHashMap<>();

	private volatile boolean running;

	/**
	 * @param shardChannels the configured shard channels
	 * @param clientName this instance's client name, part of each canary's name
	 * @param redis the shared connection the probes are published on
	 * @param health the canary's interval and timeout
	 * @param subscribed whether a channel is subscribed; no probe is sent before its canary is
	 * @param scheduler runs the probes
	 */
	ShardCanaries(List<String> shardChannels, String clientName, StringRedisTemplate redis, HealthProperties health,
			Predicate<String> subscribed, TaskScheduler scheduler) {
		for (String shardChannel : shardChannels) {
			String canary = canaryFor(shardChannel, "consumer:canary:" + clientName + ":shard:");
			this.guarded.put(canary, shardChannel);
			this.probes.put(canary, new CanaryProbe((channel, body) -> spublish(redis, channel, body), canary,
					health.canaryInterval(), health.canaryTimeout(), () -> subscribed.test(canary), scheduler));
		}
	}

	/**
	 * A canary channel in the same slot as a shard channel: the channel's hash tag (or the whole
	 * name) as the canary's hash tag, or, where the name's braces defeat that, the first numbered
	 * name that falls in the slot.
	 */
	static String canaryFor(String shardChannel, String prefix) {
		int slot = SlotHash.getSlot(shardChannel);
		int open = shardChannel.indexOf('{');
		int close = (open >= 0) ? shardChannel.indexOf('}', open + 1) : -1;
		String tag = (open >= 0 && close > open + 1) ? shardChannel.substring(open + 1, close) : shardChannel;
		String candidate = prefix + "{" + tag + "}";
		for (int n = 0; SlotHash.getSlot(candidate) != slot; n++) {
			candidate = prefix + n;
		}
		return candidate;
	}

	private static void spublish(StringRedisTemplate redis, String channel, String body) {
		RedisAsync.call(redis, PUBLISH_TIMEOUT, (commands) -> commands
			.spublish(channel.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The canary channels, to subscribe beside the shard channels.
	 * @return the names
	 */
	List<String> channels() {
		return List.copyOf(this.probes.keySet());
	}

	/**
	 * Answer a probe if the message came on a canary channel.
	 * @param channel the shard channel the message came on
	 * @param body the message
	 * @return {@code true} when it was a canary's, which goes no further
	 */
	boolean received(String channel, byte[] body) {
		CanaryProbe probe = this.probes.get(channel);
		if (probe == null) {
			return false;
		}
		probe.received(body);
		return true;
	}

	/**
	 * Why a shard subscription does not deliver, or {@code null} while every canary comes back.
	 * @return the problem, naming the shard channel, or {@code null}
	 */
	String problem() {
		for (Map.Entry<String, CanaryProbe> entry : this.probes.entrySet()) {
			String problem = entry.getValue().problem();
			if (problem != null) {
				return PROBLEM_PREFIX + "of " + this.guarded.get(entry.getKey()) + ": " + problem;
			}
		}
		return null;
	}

	/**
	 * When each shard channel's canary last came back, for the health details.
	 * @return the instant per shard channel, absent before the first probe came back
	 */
	Map<String, String> lastSeen() {
		Map<String, String> lastSeen = new LinkedHashMap<>();
		this.probes.forEach((canary, probe) -> {
			Instant at = probe.lastSeenAt();
			if (at != null) {
				lastSeen.put(this.guarded.get(canary), at.toString());
			}
		});
		return lastSeen;
	}

	@Override
	public void start() {
		this.probes.values().forEach(CanaryProbe::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.probes.values().forEach(CanaryProbe::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
