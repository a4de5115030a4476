package io.messageconsumer.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Publishes uniquely numbered messages, each with a microsecond RFC 3339 {@code time}, through
 * several pipelined connections: as fast as possible, or at a fixed rate.
 */
final class Publisher implements AutoCloseable {

	private static final int BATCH = 500;

	private final RedisClient client;

	private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

	Publisher(String url, int connections) {
		this.client = RedisClient.create(url);
		for (int i = 0; i < connections; i++) {
			StatefulRedisConnection<String, String> connection = this.client.connect();
			connection.setAutoFlushCommands(false);
			this.connections.add(connection);
		}
	}

	/** What a run published. */
	record Result(long published, long delivered, long nanos) {

		double perSecond() {
			return this.published * 1e9 / this.nanos;
		}

	}

	/** The shape of the messages. */
	enum Kind {

		BENCH, ORDER;

		String message(String id, String time) {
			return switch (this) {
				case BENCH -> "{\"type\":\"bench\",\"id\":\"" + id + "\",\"time\":\"" + time + "\"}";
				case ORDER -> "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":19.5,\"currency\":\"EUR\",\"time\":\""
						+ time + "\"}";
			};
		}

	}

	Result burst(String channel, Kind kind, String run, long count) {
		return publish(channel, false, kind, run, count, 0);
	}

	Result steady(String channel, Kind kind, String run, int perSecond, Duration duration) {
		return publish(channel, false, kind, run, perSecond * duration.toSeconds(), perSecond);
	}

	/** Add entries to a stream ({@code XADD key * payload <message>}) at a fixed rate. */
	Result streamSteady(String stream, Kind kind, String run, int perSecond, Duration duration) {
		return publish(stream, true, kind, run, perSecond * duration.toSeconds(), perSecond);
	}

	/** Add entries to a stream ({@code XADD key * payload <message>}) as fast as possible. */
	Result streamBurst(String stream, Kind kind, String run, long count) {
		return publish(stream, true, kind, run, count, 0);
	}

	private Result publish(String channel, boolean stream, Kind kind, String run, long count, int perSecond) {
		AtomicLong next = new AtomicLong();
		AtomicLong delivered = new AtomicLong();
		AtomicLong published = new AtomicLong();
		long started = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		int share = this.connections.size();
		for (StatefulRedisConnection<String, String> connection : this.connections) {
			Thread thread = new Thread(() -> run(connection, channel, stream, kind, run, count, perSecond / (double) share,
					started, next, published, delivered), "publisher");
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return new Result(published.get(), delivered.get(), System.nanoTime() - started);
	}

	private static void run(StatefulRedisConnection<String, String> connection, String channel, boolean stream,
			Kind kind, String run,
			long count, double perSecond, long started, AtomicLong next, AtomicLong published, AtomicLong delivered) {
		RedisAsyncCommands<String, String> commands = connection.async();
		Clock clock = new Clock();
		List<RedisFuture<?>> pending = new ArrayList<>(BATCH);
		long sent = 0;
		while (true) {
			int batch = BATCH;
			if (perSecond > 0) {
				// Publish what is due by now, in 1 ms ticks.
				long due = (long) ((System.nanoTime() - started) / 1e9 * perSecond);
				if (due <= sent) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
					continue;
				}
				batch = (int) Math.min(BATCH, due - sent);
			}
			long first = next.getAndAdd(batch);
			if (first >= count) {
				break;
			}
			long last = Math.min(count, first + batch);
			String time = clock.now();
			for (long n = first; n < last; n++) {
				String message = kind.message(run + "-" + n, time);
				pending.add(stream ? commands.xadd(channel, "payload", message) : commands.publish(channel, message));
			}
			connection.flushCommands();
			LettuceFutures.awaitAll(Duration.ofSeconds(30), pending.toArray(new RedisFuture[0]));
			for (RedisFuture<?> future : pending) {
				try {
					// PUBLISH answers the subscribers it reached; an added entry is there for the group.
					delivered.addAndGet((future.get() instanceof Long receivers) ? receivers : 1);
				}
				catch (Exception ex) {
					// not delivered
				}
			}
			published.addAndGet(pending.size());
			sent += pending.size();
			pending.clear();
		}
	}

	@Override
	public void close() {
		this.connections.forEach(StatefulRedisConnection::close);
		this.client.shutdown();
	}

	/** RFC 3339 UTC time with microseconds, the date part formatted once per second. */
	static final class Clock {

		private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.")
			.withZone(ZoneOffset.UTC);

		private long second = -1;

		private String prefix;

		String now() {
			Instant now = Instant.now();
			if (now.getEpochSecond() != this.second) {
				this.second = now.getEpochSecond();
				this.prefix = SECOND.format(now);
			}
			String micros = Integer.toString(now.getNano() / 1000);
			return this.prefix + "000000".substring(micros.length()) + micros + "Z";
		}

	}

}
