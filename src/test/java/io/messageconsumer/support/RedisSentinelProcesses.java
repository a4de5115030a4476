package io.messageconsumer.support;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Sentinel set-up of {@link RedisServerProcess}es on free ports of 127.0.0.1: one master,
 * one replica ({@code --replicaof}) and one Sentinel monitoring them as {@value #MASTER_NAME} with
 * a quorum of 1 and short timeouts, so a {@link #failover()} takes about a second.
 * {@link #start()} returns once the Sentinel knows the replica, i.e. once a failover can succeed.
 *
 * @param first the server started as master
 * @param second the server started as its replica
 * @param sentinel the Sentinel, e.g. to ask it {@code SENTINEL ...} commands
 */
public record RedisSentinelProcesses(RedisServerProcess first, RedisServerProcess second,
		RedisServerProcess sentinel) implements AutoCloseable {

	/** The name the Sentinel monitors the master under. */
	public static final String MASTER_NAME = "mymaster";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Start the master, its replica and the Sentinel, and wait until the Sentinel could fail over.
	 * @return the running set-up
	 */
	public static RedisSentinelProcesses start() {
		RedisServerProcess master = RedisServerProcess.start();
		RedisServerProcess replica = null;
		RedisServerProcess sentinel = null;
		try {
			replica = RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
			sentinel = RedisServerProcess.startWithConfig(List.of(
					"sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
					"sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
					"sentinel failover-timeout " + MASTER_NAME + " 3000"), "--sentinel");
			RedisSentinelProcesses processes = new RedisSentinelProcesses(master, replica, sentinel);
			processes.awaitReplicaKnown(replica);
			return processes;
		}
		catch (RuntimeException ex) {
			for (RedisServerProcess process : new RedisServerProcess[] { sentinel, replica, master }) {
				if (process != null) {
					process.stopAndDelete();
				}
			}
			throw ex;
		}
	}

	/** The replica is in sync and the Sentinel lists it as a healthy replica. */
	private void awaitReplicaKnown(RedisServerProcess replica) {
		await("replica in sync").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.cli("INFO", "replication").contains("master_link_status:up"));
		await("Sentinel knows the replica").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> {
				List<String> fields = this.sentinel.cli("SENTINEL", "REPLICAS", MASTER_NAME).lines().toList();
				int port = fields.indexOf("port");
				int flags = fields.indexOf("flags");
				return port >= 0 && flags >= 0 && fields.get(port + 1).equals(Integer.toString(replica.port()))
						&& fields.get(flags + 1).equals("slave");
			});
	}

	/**
	 * The Sentinel's port.
	 * @return the port
	 */
	public int sentinelPort() {
		return this.sentinel.port();
	}

	/**
	 * The Sentinel as {@code spring.data.redis.sentinel.nodes} takes it.
	 * @return {@code 127.0.0.1:<port>}
	 */
	public String sentinelNodes() {
		return "127.0.0.1:" + this.sentinel.port();
	}

	/**
	 * A Lettuce URI that finds the master through the Sentinel, and again on every reconnect.
	 * @return {@code redis-sentinel://127.0.0.1:<port>#mymaster}
	 */
	public String sentinelUrl() {
		return "redis-sentinel://127.0.0.1:" + this.sentinel.port() + "#" + MASTER_NAME;
	}

	/**
	 * The server the Sentinel currently names as master.
	 * @return the master
	 */
	public RedisServerProcess master() {
		List<String> address = this.sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).lines().toList();
		int port = Integer.parseInt(address.get(address.size() - 1));
		return (port == this.first.port()) ? this.first : this.second;
	}

	/**
	 * The server that is not the current master.
	 * @return the replica
	 */
	public RedisServerProcess replica() {
		return (master() == this.first) ? this.second : this.first;
	}

	/**
	 * {@code SENTINEL FAILOVER}, then wait until the Sentinel names the replica as master. The old
	 * master is reconfigured as a replica by the Sentinel later, on its own schedule.
	 * @return the new master
	 */
	public RedisServerProcess failover() {
		RedisServerProcess promoted = replica();
		String reply = this.sentinel.cli("SENTINEL", "FAILOVER", MASTER_NAME);
		if (!"OK".equals(reply)) {
			throw new IllegalStateException("SENTINEL FAILOVER " + MASTER_NAME + " answered " + reply);
		}
		await("Sentinel names the new master").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> master() == promoted);
		return promoted;
	}

	/**
	 * Stop the Sentinel and both servers, and delete their directories.
	 */
	@Override
	public void close() {
		this.sentinel.stopAndDelete();
		this.first.stopAndDelete();
		this.second.stopAndDelete();
	}

}
