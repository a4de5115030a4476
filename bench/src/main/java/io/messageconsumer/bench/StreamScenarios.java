package io.messageconsumer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Scenario (d), stream mode with the no-op handler: the catch-up (entries already in the stream
 * when the service starts, drained with no publisher: the consumer's own ceiling), CPU per message
 * against pub/sub at the same steady rate, and 1, 2 and 3 replicas in one consumer group fed a
 * live burst. Each counts acknowledged entries ({@code consumer.stream.acknowledged}) and the
 * {@code XREADGROUP} and {@code XACK} round trips Redis served.
 */
final class StreamScenarios {

	/** The steady rate at which stream and pub/sub are compared. */
	private static final int STEADY_RATE = 20_000;

	private final Bench.Options options;

	private final LocalRedis redis;

	private final Publisher publisher;

	private final Results results;

	private final Supplier<String> runIds;

	private final List<String> java = List.of(ProcessHandle.current().info().command().orElse("java"));

	StreamScenarios(Bench.Options options, LocalRedis redis, Publisher publisher, Results results,
			Supplier<String> runIds) {
		this.options = options;
		this.redis = redis;
		this.publisher = publisher;
		this.results = results;
		this.runIds = runIds;
	}

	void run() throws Exception {
		if (this.options.steadyOnly()) {
			steadyAgainstPubSub();
			return;
		}
		catchUp();
		this.redis.flushAll();
		steadyAgainstPubSub();
		this.redis.flushAll();
		for (int replicas = 1; replicas <= 3; replicas++) {
			scaleOut(replicas);
			this.redis.flushAll();
		}
	}

	/** The stream holds a burst's worth of entries when the one replica starts (after downtime). */
	private void catchUp() throws Exception {
		Publisher.Result added = this.publisher.streamBurst(Bench.STREAM, Publisher.Kind.BENCH, this.runIds.get(),
				this.options.burst());
		this.redis.resetStats();
		long started = System.nanoTime();
		try (ServiceConsumer consumer = replica(1)) {
			consumer.awaitReady(Duration.ofSeconds(120));
			long ready = System.nanoTime();
			long ackedAtReady = consumer.acknowledged();
			long cpuAtReady = consumer.process().cpuMicros();
			Drained drained = drain(List.of(consumer), 0, added.published());
			long afterReady = drained.acknowledged() - ackedAtReady;
			long cpu = consumer.process().cpuMicros() - cpuAtReady;
			Results.Row row = new Results.Row(
					String.format(Locale.ROOT, "d catch-up, 1 replica: waiting at start, ready after %.1f s (%,d acknowledged by then)",
							(ready - started) / 1e9, ackedAtReady),
					Bench.Variant.STREAM, added.published(), added.perSecond(), consumer.counts(), false,
					afterReady * 1e9 / Math.max(1, drained.lastChangeNanos() - ready),
					(afterReady > 0) ? (double) cpu / afterReady : 0, consumer.process().peakRssMiB(),
					consumer.process().peakThreads(), Consumer.Latency.UNKNOWN, drained.acknowledged(),
					String.format(Locale.ROOT, "%,d", consumer.counts().outcomes()));
			record(row, drained.acknowledged());
		}
	}

	/** The same steady rate through pub/sub and through the stream, one service each: CPU per message. */
	private void steadyAgainstPubSub() throws Exception {
		Duration duration = this.options.steadyDuration();
		try (ServiceConsumer pubsub = new ServiceConsumer(this.java, this.options.serviceJar(), this.redis.url(),
				Bench.CHANNEL, "bench")) {
			pubsub.awaitReady(Duration.ofSeconds(120));
			Bench.untilCompiled(pubsub, "pub/sub", () -> {
				long warm = pubsub.counts().outcomes();
				Publisher.Result warmUp = this.publisher.steady(Bench.CHANNEL, Publisher.Kind.BENCH, this.runIds.get(),
						STEADY_RATE, Duration.ofSeconds(5));
				settle(() -> pubsub.counts().outcomes() - warm, warmUp.delivered());
			});
			Consumer.Counts before = pubsub.counts();
			long cpuBefore = pubsub.process().cpuMicros();
			long started = System.nanoTime();
			Publisher.Result published = this.publisher.steady(Bench.CHANNEL, Publisher.Kind.BENCH, this.runIds.get(),
					STEADY_RATE, duration);
			long settledAt = settle(() -> pubsub.counts().outcomes() - before.outcomes(), published.delivered());
			Consumer.Counts counts = pubsub.counts().minus(before);
			Results.Row row = new Results.Row("d steady, pub/sub @" + STEADY_RATE + "/s", Bench.Variant.PIPELINE,
					published.published(), published.perSecond(), counts, false,
					counts.outcomes() * 1e9 / Math.max(1, settledAt - started),
					(double) (pubsub.process().cpuMicros() - cpuBefore) / Math.max(1, counts.outcomes()),
					pubsub.process().peakRssMiB(), pubsub.process().peakThreads(), Consumer.Latency.UNKNOWN,
					counts.outcomes(), String.format(Locale.ROOT, "%,d", counts.outcomes()));
			this.results.add(row);
			System.out.println(row.line());
		}
		this.redis.flushAll();
		try (ServiceConsumer stream = replica(1)) {
			stream.awaitReady(Duration.ofSeconds(120));
			Bench.untilCompiled(stream, "stream", () -> {
				long acked = stream.acknowledged();
				Publisher.Result warmUp = this.publisher.streamSteady(Bench.STREAM, Publisher.Kind.BENCH,
						this.runIds.get(), STEADY_RATE, Duration.ofSeconds(5));
				drain(List.of(stream), acked, warmUp.published());
			});
			this.redis.resetStats();
			Consumer.Counts before = stream.counts();
			long ackedBefore = stream.acknowledged();
			long cpuBefore = stream.process().cpuMicros();
			long started = System.nanoTime();
			Publisher.Result published = this.publisher.streamSteady(Bench.STREAM, Publisher.Kind.BENCH,
					this.runIds.get(), STEADY_RATE, duration);
			Drained drained = drain(List.of(stream), ackedBefore, published.published());
			long acked = drained.acknowledged() - ackedBefore;
			Consumer.Counts counts = stream.counts().minus(before);
			Results.Row row = new Results.Row("d steady, stream @" + STEADY_RATE + "/s", Bench.Variant.STREAM,
					published.published(), published.perSecond(), counts, false,
					acked * 1e9 / Math.max(1, drained.lastChangeNanos() - started),
					(double) (stream.process().cpuMicros() - cpuBefore) / Math.max(1, acked), stream.process().peakRssMiB(),
					stream.process().peakThreads(), Consumer.Latency.UNKNOWN, acked,
					String.format(Locale.ROOT, "%,d", counts.outcomes()));
			record(row, acked);
		}
	}

	/** Replicas in one group, a warm-up burst of a tenth, then the burst, added while they read. */
	private void scaleOut(int replicas) throws Exception {
		List<ServiceConsumer> group = new ArrayList<>();
		try {
			for (int i = 1; i <= replicas; i++) {
				group.add(replica(i));
			}
			for (ServiceConsumer consumer : group) {
				consumer.awaitReady(Duration.ofSeconds(120));
			}
			liveBurst(group, this.options.burst() / 10);
			this.redis.resetStats();
			Consumer.Counts before = sum(group);
			List<Long> outcomesBefore = new ArrayList<>();
			for (ServiceConsumer consumer : group) {
				outcomesBefore.add(consumer.counts().outcomes());
			}
			long ackedBefore = acknowledged(group);
			long cpuBefore = cpu(group);
			long started = System.nanoTime();
			Publisher.Result published = liveBurst(group, this.options.burst());
			Drained drained = drain(group, ackedBefore, published.published());
			long acked = drained.acknowledged() - ackedBefore;
			Consumer.Counts counts = sum(group).minus(before);
			Results.Row row = new Results.Row(
					"d stream burst, " + replicas + ((replicas == 1) ? " replica" : " replicas"), Bench.Variant.STREAM,
					published.published(), published.perSecond(), counts, counts.reconnects() > 0,
					acked * 1e9 / Math.max(1, drained.lastChangeNanos() - started),
					(acked > 0) ? (double) (cpu(group) - cpuBefore) / acked : 0,
					group.stream().mapToLong((c) -> c.process().peakRssMiB()).max().orElse(0),
					group.stream().mapToInt((c) -> c.process().peakThreads()).max().orElse(0), Consumer.Latency.UNKNOWN,
					acked, shares(group, outcomesBefore));
			record(row, acked);
		}
		finally {
			group.forEach(ServiceConsumer::close);
		}
	}

	private Publisher.Result liveBurst(List<ServiceConsumer> group, long count) throws Exception {
		long ackedBefore = acknowledged(group);
		Publisher.Result published = this.publisher.streamBurst(Bench.STREAM, Publisher.Kind.BENCH, this.runIds.get(),
				count);
		drain(group, ackedBefore, published.published());
		return published;
	}

	private ServiceConsumer replica(int number) throws Exception {
		return new ServiceConsumer(this.java, this.options.serviceJar(), this.redis.url(), Bench.CHANNEL, "bench",
				"--consumer.mode=stream", "--consumer.streams.keys=" + Bench.STREAM,
				"--consumer.streams.consumer-name=replica-" + number);
	}

	/** The row, with the round trips Redis served for it per 1,000 acknowledged entries. */
	private void record(Results.Row row, long acknowledged) throws Exception {
		double perThousand = 1000.0 / Math.max(1, acknowledged);
		this.results.add(row.withRoundTrips(this.redis.calls("xreadgroup") * perThousand,
				this.redis.calls("xack") * perThousand));
		System.out.println(row.line());
	}

	/** Wait until the group acknowledged the entries, or the count stops moving for 5 s. */
	private static Drained drain(List<ServiceConsumer> group, long ackedBefore, long expected) throws Exception {
		long lastChange = settle(() -> acknowledged(group) - ackedBefore, expected, TimeUnit.SECONDS.toNanos(5));
		return new Drained(acknowledged(group), lastChange);
	}

	private static long settle(Count outcomes, long expected) throws Exception {
		return settle(outcomes, expected, TimeUnit.SECONDS.toNanos(3));
	}

	/**
	 * Wait until a count reaches what is expected, or stops moving for a while (at most 180 s).
	 * @return when it last moved ({@link System#nanoTime()})
	 */
	private static long settle(Count count, long expected, long quietNanos) throws Exception {
		long last = count.get();
		long lastChange = System.nanoTime();
		long deadline = lastChange + TimeUnit.SECONDS.toNanos(180);
		while (last < expected && System.nanoTime() < deadline && System.nanoTime() - lastChange < quietNanos) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			long next = count.get();
			if (next != last) {
				lastChange = System.nanoTime();
			}
			last = next;
		}
		return lastChange;
	}

	private static Consumer.Counts sum(List<ServiceConsumer> group) throws Exception {
		Consumer.Counts total = new Consumer.Counts(0, 0, 0, 0, 0, 0);
		for (ServiceConsumer consumer : group) {
			Consumer.Counts counts = consumer.counts();
			total = new Consumer.Counts(total.received() + counts.received(), total.outcomes() + counts.outcomes(),
					total.processed() + counts.processed(), total.overflowed() + counts.overflowed(),
					total.reconnects() + counts.reconnects(), total.droppedDeadLetters() + counts.droppedDeadLetters());
		}
		return total;
	}

	private static String shares(List<ServiceConsumer> group, List<Long> outcomesBefore) throws Exception {
		List<String> shares = new ArrayList<>();
		for (int i = 0; i < group.size(); i++) {
			shares.add(String.format(Locale.ROOT, "%,d", group.get(i).counts().outcomes() - outcomesBefore.get(i)));
		}
		return String.join(" + ", shares);
	}

	private static long acknowledged(List<ServiceConsumer> group) throws Exception {
		long total = 0;
		for (ServiceConsumer consumer : group) {
			total += consumer.acknowledged();
		}
		return total;
	}

	private static long cpu(List<ServiceConsumer> group) {
		return group.stream().mapToLong((consumer) -> consumer.process().cpuMicros()).sum();
	}

	private record Drained(long acknowledged, long lastChangeNanos) {
	}

	@FunctionalInterface
	private interface Count {

		long get() throws Exception;

	}

}
