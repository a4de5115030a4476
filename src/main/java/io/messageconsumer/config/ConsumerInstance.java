package io.messageconsumer.config;

/**
 * This instance's identity on Redis: the client name its connections carry.
 *
 * @param clientName the Redis client name, unique per process unless
 * {@code spring.data.redis.client-name} sets one
 */
public record ConsumerInstance(String clientName) {

	/**
	 * The identity of this process: {@code message-consumer:<host>:<pid>}, or the configured client name.
	 * @param configuredClientName {@code spring.data.redis.client-name}, or {@code null}
	 * @param hostName this host's name
	 * @return the instance
	 */
	public static ConsumerInstance of(String configuredClientName, String hostName) {
		if (configuredClientName != null && !configuredClientName.isBlank()) {
			return new ConsumerInstance(configuredClientName);
		}
		String host = hostName.replaceAll("[^A-Za-z0-9._-]", "_");
		return new ConsumerInstance("message-consumer:" + host + ":" + ProcessHandle.current().pid());
	}

}
