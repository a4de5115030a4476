package io.messageconsumer.support;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisClusterProcesses}, against real {@code redis-server} processes.
 */
class RedisClusterProcessesTests {

	@Test
	void startsAReadyThreeMasterClusterAndRemovesItOnClose() {
		long started = System.nanoTime();
		List<Path> directories;
		try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
			System.out.printf("Cluster of 3 masters ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
			directories = cluster.nodes().stream().map(RedisServerProcess::directory).toList();
			assertThat(cluster.nodes()).hasSize(3)
				.allSatisfy((node) -> assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok",
						"cluster_slots_assigned:16384", "cluster_known_nodes:3", "cluster_size:3"));
			assertThat(cluster.nodeAddresses().split(",")).hasSize(3).allMatch((address) -> address.startsWith("127.0.0.1:"));

			RedisServerProcess owner = cluster.ownerOf("orders:A-1");
			assertThat(owner.cli("SET", "orders:A-1", "x")).isEqualTo("OK");
			assertThat(cluster.nodes()).filteredOn((node) -> node != owner)
				.allSatisfy((node) -> assertThat(node.cli("SET", "orders:A-1", "x")).startsWith("MOVED"));
			assertThat(cluster.nodes().stream().map((node) -> cluster.ownerOf("orders:" + node.port())))
				.allMatch(cluster.nodes()::contains);
		}
		assertThat(directories).allSatisfy((directory) -> assertThat(directory).doesNotExist());
	}

}
