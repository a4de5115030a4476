package io.messageconsumer.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;

import static org.awaitility.Awaitility.await;

/**
 * A cluster-aware publisher of shard channels, as a user's would be: Lettuce's cluster client
 * sends each {@code SPUBLISH} to the node that owns the channel's slot, follows {@code MOVED} and
 * reads the topology again every 500 ms.
 * Publishes one message, or numbered messages at a steady rate on a thread of its own, and
 * remembers which numbers reached at least one subscriber ({@code SPUBLISH} answered 1 or more).
 */
public final class ShardPublisher implements AutoCloseable {

	private static final int PER_TICK = 10;

	private final RedisClusterClient client;

	private final StatefulRedisClusterConnection<String, String> connection;

	private final Set<Long> delivered = ConcurrentHashMap.newKeySet();

	private final AtomicLong published = new AtomicLong();

	private volatile boolean running;

	private boolean closed;

	private Thread thread;

	/**
	 * Connect to a cluster.
	 * @param cluster the cluster
	 */
	public ShardPublisher(RedisClusterProcesses cluster) {
		this.client = RedisClusterClient.create(RedisURI.create(cluster.nodes().get(0).url()));
		this.client.setOptions(ClusterClientOptions.builder()
			// A demoted master still accepts SPUBLISH (no MOVED; it counts only its own receivers): only a
			// periodic refresh moves the publisher to the new master.
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enableAllAdaptiveRefreshTriggers()
				.enablePeriodicRefresh(Duration.ofMillis(500))
				.build())
			.build());
		this.connection = this.client.connect();
		this.connection.setTimeout(Duration.ofSeconds(2));
	}

	/**
	 * {@code SPUBLISH} one message.
	 * @param channel the shard channel
	 * @param message the message
	 * @return the receivers on the slot owner
	 */
	public long publish(String channel, String message) {
		return this.connection.sync().spublish(channel, message);
	}

	/**
	 * Publish numbered messages at a fixed rate until {@link #close()}.
	 * @param channel the shard channel
	 * @param perSecond messages per second
	 * @param message the message for a number from 1
	 */
	public void publishSteadily(String channel, int perSecond, LongFunction<String> message) {
		this.running = true;
		long tickNanos = Duration.ofSeconds(1).toNanos() * PER_TICK / perSecond;
		this.thread = new Thread(() -> {
			RedisAdvancedClusterAsyncCommands<String, String> commands = this.connection.async();
			long next = System.nanoTime();
			while (this.running) {
				for (int i = 0; i < PER_TICK; i++) {
					long number = this.published.incrementAndGet();
					commands.spublish(channel, message.apply(number)).whenComplete((receivers, ex) -> {
						if (ex == null && receivers > 0) {
							this.delivered.add(number);
						}
					});
				}
				next = BackgroundPublisher.awaitNextTick(next, tickNanos);
			}
		}, "shard-publisher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Wait until this many more messages were published.
	 * @param count how many
	 */
	public void awaitPublished(long count) {
		long target = this.published.get() + count;
		await().atMost(Duration.ofSeconds(30)).until(() -> this.published.get() >= target);
	}

	/**
	 * The numbers Redis delivered to a subscriber so far.
	 * @return a copy
	 */
	public Set<Long> delivered() {
		return Set.copyOf(this.delivered);
	}

	/**
	 * How many were sent, delivered or not.
	 * @return the count
	 */
	public long published() {
		return this.published.get();
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.running = false;
		if (this.thread != null) {
			try {
				this.thread.join(Duration.ofSeconds(5).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.connection.close();
		this.client.shutdown();
	}

}
