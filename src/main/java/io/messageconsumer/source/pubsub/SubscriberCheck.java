package io.messageconsumer.source.pubsub;

import java.time.Instant;
import java.util.List;

import org.springframework.data.redis.core.types.RedisClientInfo;

/**
 * What one {@code CLIENT LIST} told of this instance's subscriber connection: whether it holds
 * every configured subscription (plus the canary channel), its client id and output buffer
 * ({@code omem}), and what is wrong otherwise.
 *
 * @param subscribed every configured channel and pattern is subscribed
 * @param state the health state to report when this check decides it
 * @param clientId the connection's id on the server, when found
 * @param outputBufferBytes bytes Redis holds for the connection, not yet read
 * @param problem what is wrong, or {@code null}
 * @param checkedAt when the check ran
 */
record SubscriberCheck(boolean subscribed, String state, String clientId, long outputBufferBytes, String problem,
		Instant checkedAt) {

	/** Before the first check. */
	static final SubscriberCheck NOT_CHECKED = new SubscriberCheck(false, "connecting", null, 0, "not checked yet",
			Instant.EPOCH);

	/**
	 * Redis did not answer, or the connection is not there.
	 * @param problem what is wrong
	 * @return the check
	 */
	static SubscriberCheck connecting(String problem) {
		return new SubscriberCheck(false, "connecting", null, 0, problem, Instant.now());
	}

	/**
	 * The listener container is not running.
	 * @return the check
	 */
	static SubscriberCheck stopped() {
		return new SubscriberCheck(false, "stopped", null, 0, "listener container is not running", Instant.now());
	}

	private static long count(Long value) {
		return (value != null) ? value : 0;
	}

	/**
	 * What this instance's subscriber connection should hold.
	 *
	 * @param clientName this instance's client name, which names the connection on the server
	 * @param channels the configured channels
	 * @param patterns the configured patterns
	 */
	record Subscriptions(String clientName, List<String> channels, List<String> patterns) {

		Subscriptions {
			channels = List.copyOf(channels);
			patterns = List.copyOf(patterns);
		}

		/**
		 * Find the subscriber connection by its client name among the server's clients.
		 * @param clients {@code CLIENT LIST}, or {@code null}
		 * @return the check
		 */
		SubscriberCheck check(List<RedisClientInfo> clients) {
			if (clients != null) {
				for (RedisClientInfo client : clients) {
					long subscriptions = count(client.getChannelSubscribtions()) + count(client.getPatternSubscrbtions());
					if (this.clientName.equals(client.getName()) && subscriptions > 0) {
						return check(client);
					}
				}
			}
			return connecting("no subscriber connection named '" + this.clientName + "' on the server");
		}

		private SubscriberCheck check(RedisClientInfo client) {
			long channelCount = count(client.getChannelSubscribtions());
			long patternCount = count(client.getPatternSubscrbtions());
			// The canary channel is one more channel subscription of our own.
			boolean complete = channelCount == this.channels.size() + 1L && patternCount == this.patterns.size();
			String problem = complete ? null : "subscribed to " + (channelCount - 1) + "/" + this.channels.size()
					+ " channels and " + patternCount + "/" + this.patterns.size() + " patterns";
			return new SubscriberCheck(complete, complete ? "consuming" : "degraded", client.get("id"),
					count(client.getOutputBufferMemoryUsage()), problem, Instant.now());
		}

	}

}
