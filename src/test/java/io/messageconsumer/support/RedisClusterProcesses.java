package io.messageconsumer.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.cluster.SlotHash;

import static org.awaitility.Awaitility.await;

/**
 * A three-master Redis Cluster (no replicas) of {@link RedisServerProcess}es on free ports of
 * 127.0.0.1, for tests that need a real cluster: each node has its own directory and
 * {@code cluster-config-file}, nothing persists, and {@code redis-cli --cluster create} assigns
 * the slots. {@link #start()} returns once every node reports {@code cluster_state:ok}.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	private static final int MASTERS = 3;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	private final List<RedisServerProcess> nodes;

	private final List<String> arguments;

	private final List<RedisServerProcess> replicas = new CopyOnWriteArrayList<>();

	private RedisClusterProcesses(List<RedisServerProcess> nodes, List<String> arguments) {
		this.nodes = List.copyOf(nodes);
		this.arguments = List.copyOf(arguments);
	}

	/**
	 * Start three cluster-enabled servers, create the cluster and wait until it is ready.
	 * @param extraArguments further {@code redis-server} arguments for every node
	 * @return the running cluster
	 */
	public static RedisClusterProcesses start(String... extraArguments) {
		List<String> arguments = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
				"nodes.conf", "--cluster-node-timeout", "2000"));
		arguments.addAll(List.of(extraArguments));
		List<RedisServerProcess> nodes = new ArrayList<>();
		try {
			for (int i = 0; i < MASTERS; i++) {
				nodes.add(RedisServerProcess.start(arguments.toArray(new String[0])));
			}
			RedisClusterProcesses started = new RedisClusterProcesses(nodes, arguments);
			started.create();
			return started;
		}
		catch (RuntimeException ex) {
			nodes.forEach(RedisServerProcess::stopAndDelete);
			throw ex;
		}
	}

	private void create() {
		List<String> command = new ArrayList<>(List.of("--cluster", "create"));
		this.nodes.forEach((node) -> command.add("127.0.0.1:" + node.port()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		String output = this.nodes.get(0).cli(command.toArray(new String[0]));
		if (!output.contains("All 16384 slots covered")) {
			throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
		}
		await("cluster_state:ok on every node").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.nodes.stream().allMatch((node) -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok")));
	}

	/**
	 * The nodes, in port order of creation.
	 * @return the nodes
	 */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/**
	 * Start one more node, make it a replica of a master, and wait until it is in sync and every
	 * master knows it. It stops with the cluster.
	 * @param master the master to replicate
	 * @return the replica
	 */
	public RedisServerProcess addReplica(RedisServerProcess master) {
		RedisServerProcess replica = RedisServerProcess.start(this.arguments.toArray(new String[0]));
		this.replicas.add(replica);
		String masterId = master.cli("CLUSTER", "MYID");
		replica.cli("CLUSTER", "MEET", "127.0.0.1", String.valueOf(master.port()));
		await("the replica knows its master").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.cli("CLUSTER", "NODES").contains(masterId));
		replica.cli("CLUSTER", "REPLICATE", masterId);
		String replicaId = replica.cli("CLUSTER", "MYID");
		await("the replica in sync, known to every master").atMost(READY_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.cli("INFO", "replication").contains("master_link_status:up")
					&& this.nodes.stream().allMatch((node) -> node.cli("CLUSTER", "NODES").contains(replicaId + " ")));
		return replica;
	}

	/**
	 * Kill a node as a crash would ({@code SIGKILL}: no failover handshake, no {@code sunsubscribe}
	 * push to its clients). It stays down and owns nothing from then on ({@link #ownerOf}).
	 * @param node the node to kill
	 */
	public void crash(RedisServerProcess node) {
		node.kill();
	}

	/**
	 * Wait until a replica whose master crashed has taken over its slots: the other masters mark
	 * the master failed after {@code cluster-node-timeout} (2 s here), then the replica wins the
	 * election, and every running node reports {@code cluster_state:ok} again.
	 * @param replica the replica, added by {@link #addReplica}
	 * @param timeout how long the promotion may take
	 */
	public void awaitPromoted(RedisServerProcess replica, Duration timeout) {
		await("the replica promoted, the cluster ok on every running node").atMost(timeout)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.cli("ROLE").startsWith("master") && running().allMatch(
					(node) -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok")));
	}

	private Stream<RedisServerProcess> running() {
		return Stream.concat(this.nodes.stream(), this.replicas.stream())
			.filter(RedisServerProcess::isRunning);
	}

	/**
	 * The nodes as {@code spring.data.redis.cluster.nodes} takes them.
	 * @return {@code 127.0.0.1:<port>,...}
	 */
	public String nodeAddresses() {
		return this.nodes.stream().map((node) -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
	}

	/**
	 * The node that owns the slot of a key.
	 * @param key the key
	 * @return the master serving that key
	 */
	public RedisServerProcess ownerOf(String key) {
		int slot = SlotHash.getSlot(key);
		List<RedisServerProcess> all = new ArrayList<>(this.nodes);
		all.addAll(this.replicas);
		for (RedisServerProcess node : all) {
			// A killed node owns nothing any more.
			if (node.isRunning() && ownsSlot(node, slot)) {
				return node;
			}
		}
		throw new IllegalStateException("No node owns slot " + slot);
	}

	/** Whether the {@code myself} line of the node's {@code CLUSTER NODES} lists a range holding the slot. */
	private static boolean ownsSlot(RedisServerProcess node, int slot) {
		for (String line : node.cli("CLUSTER", "NODES").lines().toList()) {
			String[] fields = line.split(" ");
			if (fields.length > 2 && fields[2].contains("myself")) {
				for (int i = 8; i < fields.length; i++) {
					String[] range = fields[i].split("-");
					if (range[0].startsWith("[")) {
						continue;
					}
					int from = Integer.parseInt(range[0]);
					int to = Integer.parseInt(range[range.length - 1]);
					if (slot >= from && slot <= to) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Stop every node, replicas included, and delete its directory.
	 */
	@Override
	public void close() {
		this.replicas.forEach(RedisServerProcess::stopAndDelete);
		this.nodes.forEach(RedisServerProcess::stopAndDelete);
	}

}
