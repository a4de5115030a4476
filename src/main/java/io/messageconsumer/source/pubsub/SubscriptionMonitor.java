package io.messageconsumer.source.pubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.RedisClientInfo;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.annotation.Scheduled;

import io.messageconsumer.routing.SourceStatus;

/**
 * Checks, from the Redis server's side, that this instance's subscriber connection really
 * holds every configured subscription.
 * <p>
 * Every two seconds it reads {@code CLIENT LIST} and finds the connection by this instance's
 * client name. The listener container alone cannot tell: after a Redis restart it still says
 * it is listening while Lettuce reconnects. A new client id for the subscriber means it
 * reconnected (as does a connection seen missing in between, or a younger one), counted by
 * {@code consumer.redis.reconnects}.
 */
class SubscriptionMonitor implements SourceStatus.Source {

	private static final Log logger = LogFactory.getLog(SubscriptionMonitor.class);

	/** A check older than this counts as failed: the monitor itself is stuck. */
	private static final Duration STALE_AFTER = Duration.ofSeconds(10);

	private final RedisMessageListenerContainer container;

	private final StringRedisTemplate redis;

	private final String clientName;

	private final List<String> channels;

	private final List<String> patterns;

	private final Counter reconnects;

	private volatile Check last = new Check(false, "connecting", null, null, "not checked yet", Instant.EPOCH);

	private String lastClientId;

	private long lastClientAge;

	private boolean lostSinceLastSeen;

	SubscriptionMonitor(RedisMessageListenerContainer container, StringRedisTemplate redis, String clientName,
			List<String> channels, List<String> patterns, MeterRegistry meters) {
		this.container = container;
		this.redis = redis;
		this.clientName = clientName;
		this.channels = List.copyOf(channels);
		this.patterns = List.copyOf(patterns);
		this.reconnects = Counter.builder("consumer.redis.reconnects")
			.description("Reconnects of a source's Redis connection")
			.tag("source", PubSubListener.SOURCE)
			.register(meters);
	}

	@Override
	public String name() {
		return PubSubListener.SOURCE;
	}

	@Scheduled(fixedDelay = 2000)
	void check() {
		if (!this.container.isRunning()) {
			this.last = new Check(false, "stopped", null, null, "listener container is not running", Instant.now());
			return;
		}
		try {
			List<RedisClientInfo> clients = this.redis
				.execute((RedisCallback<List<RedisClientInfo>>) (connection) -> connection.serverCommands().getClientList());
			RedisClientInfo own = (clients != null) ? findSubscriber(clients) : null;
			if (own != null) {
				this.last = fromClient(own);
			}
			else {
				this.lostSinceLastSeen = true;
				this.last = new Check(false, "connecting", null, null,
						"no subscriber connection named '" + this.clientName + "' on the server", Instant.now());
			}
		}
		catch (RuntimeException ex) {
			this.lostSinceLastSeen = true;
			boolean wasActive = this.last.subscribed();
			this.last = new Check(false, "connecting", null, null, "Redis unreachable: " + ex.getMessage(), Instant.now());
			if (wasActive) {
				logger.warn("Pub/sub subscription check failed: " + ex.getMessage());
			}
		}
	}

	private RedisClientInfo findSubscriber(List<RedisClientInfo> clients) {
		for (RedisClientInfo client : clients) {
			long subscriptions = count(client.getChannelSubscribtions()) + count(client.getPatternSubscrbtions());
			if (this.clientName.equals(client.getName()) && subscriptions > 0) {
				return client;
			}
		}
		return null;
	}

	private Check fromClient(RedisClientInfo client) {
		String id = client.get("id");
		long age = count(client.getAge());
		// A restarted Redis hands out the same ids again, so a younger connection or one seen missing
		// in between counts as a reconnect too.
		boolean reconnected = this.lastClientId != null
				&& (this.lostSinceLastSeen || !Objects.equals(this.lastClientId, id) || age < this.lastClientAge);
		if (reconnected) {
			this.reconnects.increment();
			logger.info("Pub/sub subscriber reconnected (client id " + this.lastClientId + " -> " + id + ")");
		}
		this.lastClientId = id;
		this.lastClientAge = age;
		this.lostSinceLastSeen = false;
		long channelCount = count(client.getChannelSubscribtions());
		long patternCount = count(client.getPatternSubscrbtions());
		boolean complete = channelCount == this.channels.size() && patternCount == this.patterns.size();
		String problem = complete ? null : "subscribed to " + channelCount + "/" + this.channels.size()
				+ " channels and " + patternCount + "/" + this.patterns.size() + " patterns";
		return new Check(complete, complete ? "consuming" : "degraded", id, client.getOutputBufferMemoryUsage(), problem,
				Instant.now());
	}

	private static long count(Long value) {
		return (value != null) ? value : 0;
	}

	@Override
	public SourceStatus status() {
		Check check = this.last;
		boolean fresh = Duration.between(check.checkedAt(), Instant.now()).compareTo(STALE_AFTER) < 0;
		boolean listening = this.container.isListening();
		boolean active = check.subscribed() && fresh && listening;
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("channels", this.channels);
		details.put("patterns", this.patterns);
		details.put("listening", listening);
		details.put("clientName", this.clientName);
		if (check.clientId() != null) {
			details.put("clientId", check.clientId());
		}
		if (check.outputBufferBytes() != null) {
			details.put("outputBufferBytes", check.outputBufferBytes());
		}
		details.put("checkedAt", check.checkedAt().toString());
		if (!active) {
			details.put("reason", !fresh ? "subscription check is stale" : (check.problem() != null) ? check.problem()
					: "listener container is not listening");
		}
		return new SourceStatus(active, active ? "consuming" : check.state(), details);
	}

	private record Check(boolean subscribed, String state, String clientId, Long outputBufferBytes, String problem,
			Instant checkedAt) {
	}

}
