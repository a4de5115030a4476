package io.messageconsumer.source.pubsub;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.data.redis.core.types.RedisClientInfo;

import io.messageconsumer.redis.RedisProblem;

/**
 * What the slot owners of the shard channels say of this instance's shard subscriptions: for each
 * node that owns the slot of a configured shard channel, how many shard channels ({@code ssub} in
 * its {@code CLIENT LIST}) this instance's connection there holds, against how many it should.
 * Each owner is asked itself, found in the subscriber's topology ({@link ShardTopology}), and so is
 * every other node, which should hold none; on a standalone Redis the server's one
 * {@code CLIENT LIST} is read.
 *
 * The same {@code CLIENT LIST} gives each connection's output buffer ({@code omem}): the largest is
 * what the output-buffer check compares with the soft limit, so every node subscribed on is read.
 *
 * @param problem what is wrong, or {@code null} when every owner holds its shard channels
 * @param byNode {@code held/expected} per node ({@code host:port}, or {@code redis} when standalone)
 * @param outputBufferBytes the largest output buffer of this instance's shard connections
 * @param missingOn the owners that hold fewer shard channels than they should, or did not answer
 * (a crashed master): their channels are to be subscribed again where the topology puts them
 */
record ShardCheck(String problem, Map<String, String> byNode, long outputBufferBytes, Set<String> missingOn) {

	/** No shard channels configured: nothing to check. */
	static final ShardCheck NONE = new ShardCheck(null, Map.of(), 0, Set.of());

	private static final String STANDALONE = "redis";

	/**
	 * Ask the slot owners.
	 * @param clientName this instance's client name, which names its connections on the server
	 * @param channels the configured shard channels
	 * @param topology the subscriber's view of the slot owners
	 * @param standaloneClients {@code CLIENT LIST} of the server, used when it is not a cluster
	 * @return the check
	 */
	static ShardCheck of(String clientName, List<String> channels, ShardTopology topology,
			List<RedisClientInfo> standaloneClients) {
		if (channels.isEmpty()) {
			return NONE;
		}
		Map<String, Integer> expected = new TreeMap<>();
		channels.forEach((channel) -> expected.merge(topology.isCluster() ? topology.ownerOf(channel) : STANDALONE, 1,
				Integer::sum));
		Map<String, String> byNode = new LinkedHashMap<>();
		Set<String> missingOn = new TreeSet<>();
		StringBuilder missing = new StringBuilder();
		long[] largestBuffer = { 0 };
		expected.forEach((node, count) -> {
			String held;
			try {
				List<RedisClientInfo> clients = topology.isCluster() ? topology.clientsOf(node) : standaloneClients;
				held = String.valueOf(held(clientName, clients));
				largestBuffer[0] = Math.max(largestBuffer[0], largestBuffer(clientName, clients));
			}
			catch (RuntimeException ex) {
				held = "unknown (" + RedisProblem.describe(ex) + ")";
				missingOn.add(node);
			}
			byNode.put(node, held + "/" + count);
			if (isNumber(held) && Long.parseLong(held) < count) {
				missingOn.add(node);
			}
			if (!held.equals(String.valueOf(count))) {
				missing.append(missing.isEmpty() ? "" : ", ").append(node).append(' ').append(held).append('/').append(count);
			}
		});
		String elsewhere = heldElsewhere(clientName, topology, expected.keySet());
		String problem = !missing.isEmpty() ? "shard channels not all subscribed on their slot owners: " + missing
				: (elsewhere != null) ? elsewhere : null;
		return new ShardCheck(problem, byNode, largestBuffer[0], Set.copyOf(missingOn));
	}

	/** The largest output buffer of this instance's shard connections on one node. */
	private static long largestBuffer(String clientName, List<RedisClientInfo> clients) {
		long largest = 0;
		for (RedisClientInfo client : clients) {
			if (clientName.equals(client.getName()) && count(client.get("ssub")) > 0) {
				largest = Math.max(largest, count(client.get("omem")));
			}
		}
		return largest;
	}

	/**
	 * Shard subscriptions of this instance on a node that owns none of the channels (a replica
	 * gets a copy of every message published in its shard: they would be processed twice).
	 */
	private static String heldElsewhere(String clientName, ShardTopology topology, Set<String> owners) {
		for (String node : topology.nodes()) {
			if (!owners.contains(node)) {
				try {
					long held = held(clientName, topology.clientsOf(node));
					if (held > 0) {
						return "shard channels subscribed on " + node + ", which owns none of them: " + held;
					}
				}
				catch (RuntimeException ex) {
					// A node that does not answer holds nothing that reaches this instance.
				}
			}
		}
		return null;
	}

	/** The shard channels this instance's connections on one node hold. */
	private static long held(String clientName, List<RedisClientInfo> clients) {
		long held = 0;
		for (RedisClientInfo client : clients) {
			if (clientName.equals(client.getName())) {
				held += count(client.get("ssub"));
			}
		}
		return held;
	}

	private static boolean isNumber(String held) {
		return !held.isEmpty() && held.chars().allMatch(Character::isDigit);
	}

	private static long count(String value) {
		try {
			return (value != null) ? Long.parseLong(value) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
