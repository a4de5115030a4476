package io.messageconsumer.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.KillArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.RedisServer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.RedisClientInfo;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * With Redis Sentinel, moves this instance to the master the Sentinel names as soon as it names
 * another one.
 * <p>
 * After a failover the Sentinel turns the old master into a replica, and kills its clients, only
 * when it next looks at it (its INFO period, 10 s). Until then the old master still accepts
 * writes and delivers what is published there, so the subscriber and the shared connection would
 * stay on it, and every order stored in that window would be discarded when it resyncs from the
 * new master (measured: 2,200 orders at 200/s). Every second this asks the Sentinel which master
 * it names; when that changes it kills this instance's other connections on the server the shared
 * connection is on (the old master: the pub/sub subscriber, the stream readers), so Lettuce
 * reconnects them through the Sentinel to the new master (the subscriber resubscribes, a stream
 * reader reads again), and resets the shared connection. A change of the named address is
 * the signal, not a comparison with the address we are connected to, which NAT or announced IPs
 * may spell differently; the new master's run id would do, but the Sentinel learns it only
 * seconds later. Does nothing without Sentinel.
 */
public class SentinelFollower {

	private static final Log logger = LogFactory.getLog(SentinelFollower.class);

	private final LettuceConnectionFactory factory;

	private final StringRedisTemplate redis;

	private final String clientName;

	private String lastNamed;

	/**
	 * Create the follower.
	 * @param factory the application's connection factory
	 * @param redis the shared connection
	 * @param clientName the client name every connection of this instance carries
	 */
	public SentinelFollower(LettuceConnectionFactory factory, StringRedisTemplate redis, String clientName) {
		this.factory = factory;
		this.redis = redis;
		this.clientName = clientName;
	}

	/** Ask the Sentinel which master it names; move there when that changed. */
	@Scheduled(fixedDelay = 1000)
	public synchronized void follow() {
		if (!this.factory.isRedisSentinelAware()) {
			return;
		}
		try {
			String named = namedMaster();
			if (named != null && this.lastNamed != null && !named.equals(this.lastNamed)) {
				logger.warn("Sentinel names a new master, " + named + " (was " + this.lastNamed
						+ "): moving this instance's connections to it");
				this.redis.execute((RedisCallback<Void>) this::killOwnConnections);
				this.factory.resetConnection();
			}
			this.lastNamed = (named != null) ? named : this.lastNamed;
		}
		catch (RuntimeException ex) {
			// Redis or the Sentinel away: the subscription monitor reports that; try again next second.
			logger.debug("Could not follow the Sentinel's master: " + ex.getMessage());
		}
	}

	/** The address of the master the Sentinel names, or {@code null} when it cannot be asked. */
	private String namedMaster() {
		String master = this.factory.getSentinelConfiguration().getMaster().getName();
		try (RedisSentinelConnection sentinel = this.factory.getSentinelConnection()) {
			for (RedisServer server : sentinel.masters()) {
				if (master.equals(server.getName())) {
					return server.getHost() + ":" + server.getPort();
				}
			}
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Kill this instance's connections on that server, other than the one asking. */
	private Void killOwnConnections(RedisConnection connection) {
		List<RedisClientInfo> clients = connection.serverCommands().getClientList();
		RedisClusterAsyncCommands<byte[], byte[]> commands = RedisAsync.commands(connection);
		for (RedisClientInfo client : (clients != null) ? clients : List.<RedisClientInfo>of()) {
			String address = client.getAddressPort();
			if (this.clientName.equals(client.getName()) && address != null) {
				RedisAsync.await(commands.clientKill(KillArgs.Builder.addr(address).skipme()), Duration.ofSeconds(2));
			}
		}
		return null;
	}

}
