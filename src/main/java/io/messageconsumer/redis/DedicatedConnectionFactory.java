package io.messageconsumer.redis;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.event.EventBus;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A source's own connection factory: the application's Redis settings (address, credentials,
 * TLS, client options and name; standalone, Sentinel or Cluster), but its own Lettuce I/O thread
 * and no shared connection: every connection it hands out is dedicated.
 * <p>
 * A subscriber's thread is busy with every message, and with {@code consumer.overflow=block} it
 * may wait. Sharing Lettuce's event loop with the application's other connections would stall
 * them too (health checks, dead-letter writes, handlers' Redis calls); with its own thread it
 * stalls nothing but itself. Not a bean, so the application keeps a single
 * {@code RedisConnectionFactory}.
 */
public final class DedicatedConnectionFactory implements AutoCloseable {

	private final ClientResources resources;

	private final LettuceConnectionFactory factory;

	/**
	 * The application's connection factory as the Lettuce one this service needs.
	 * @param connectionFactory the application's connection factory
	 * @return it, as a {@link LettuceConnectionFactory}
	 * @throws IllegalStateException naming the property to set when it is another client's
	 */
	public static LettuceConnectionFactory lettuce(RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("message-consumer needs Lettuce (spring.data.redis.client-type=lettuce), found "
					+ connectionFactory.getClass().getName());
		}
		return lettuce;
	}

	/**
	 * Create a factory with the application's settings.
	 * @param application the application's connection factory
	 */
	public DedicatedConnectionFactory(LettuceConnectionFactory application) {
		this(application, Duration.ZERO);
	}

	/**
	 * Create a factory with the application's settings, for blocking commands: their command
	 * timeout is the application's plus the longest they block, so that a read blocking for
	 * {@code BLOCK 2000} is not cancelled by a 2 s command timeout just before Redis answers.
	 * @param application the application's connection factory
	 * @param blocking the longest a command on these connections blocks on the server
	 */
	public DedicatedConnectionFactory(LettuceConnectionFactory application, Duration blocking) {
		this.resources = DefaultClientResources.builder()
			.ioThreadPoolSize(1)
			.computationThreadPoolSize(1)
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
			.build();
		LettuceClientConfiguration configuration = copy(application.getClientConfiguration(), this.resources, blocking);
		if (application.isClusterAware()) {
			this.factory = new LettuceConnectionFactory(application.getClusterConfiguration(), configuration);
		}
		else if (application.isRedisSentinelAware()) {
			this.factory = new LettuceConnectionFactory(application.getSentinelConfiguration(), configuration);
		}
		else {
			this.factory = new LettuceConnectionFactory(application.getStandaloneConfiguration(), configuration);
		}
		// Only the subscription's own connection: no shared connection the subscriber never uses.
		this.factory.setShareNativeConnection(false);
		this.factory.afterPropertiesSet();
		this.factory.start();
	}

	private static LettuceClientConfiguration copy(LettuceClientConfiguration source, ClientResources resources,
			Duration blocking) {
		LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder();
		if (source.isUseSsl()) {
			var ssl = builder.useSsl().verifyPeer(source.getVerifyMode());
			if (source.isStartTls()) {
				ssl.startTls();
			}
			builder = ssl.and();
		}
		source.getClientOptions().ifPresent(builder::clientOptions);
		source.getClientName().ifPresent(builder::clientName);
		source.getRedisCredentialsProviderFactory().ifPresent(builder::redisCredentialsProviderFactory);
		return builder.clientResources(resources)
			.commandTimeout(source.getCommandTimeout().plus(blocking))
			.shutdownTimeout(source.getShutdownTimeout())
			.shutdownQuietPeriod(source.getShutdownQuietPeriod())
			.build();
	}

	/**
	 * The event bus of this factory's own resources: its connection events, no others.
	 * @return the event bus
	 */
	public EventBus events() {
		return this.resources.eventBus();
	}

	/**
	 * Whether an address is one of the configured Sentinels: a connection there only looks the
	 * master up, it never carries the source's traffic.
	 * @param address a remote address from a connection event
	 * @return {@code true} for a Sentinel
	 */
	public boolean isSentinel(SocketAddress address) {
		if (!this.factory.isRedisSentinelAware() || !(address instanceof InetSocketAddress inet)) {
			return false;
		}
		for (RedisNode sentinel : this.factory.getSentinelConfiguration().getSentinels()) {
			if (sentinel.getPort() != null && sentinel.getPort() == inet.getPort()
					&& (inet.getHostString().equals(sentinel.getHost())
							|| (inet.getAddress() != null && inet.getAddress().getHostAddress().equals(sentinel.getHost())))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The factory: every connection it hands out is a dedicated one.
	 * @return the factory
	 */
	public LettuceConnectionFactory factory() {
		return this.factory;
	}

	@Override
	public void close() {
		this.factory.destroy();
		this.resources.shutdown();
	}

}
