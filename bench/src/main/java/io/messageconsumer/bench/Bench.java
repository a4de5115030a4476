package io.messageconsumer.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark: the bare Lettuce + Jackson baseline, the service's pipeline with a no-op
 * handler, and the service with the real {@code order} handler, measured on one Redis in the
 * same run, interleaved, under a 1M burst (cold and warm), a steady 10k msg/s with latency, and
 * the highest clean steady rate. Prints a table and writes {@code BENCHMARKS.md}.
 * <p>
 * Usage: {@code java -jar bench.jar [--service-jar=PATH] [--out=BENCHMARKS.md] [--quick]
 * [--steady-seconds=30]}; {@code --stream [--only=steady]} runs scenario (d), or only its steady case;
 * {@code java -jar bench.jar baseline URL CHANNEL} runs the baseline subscriber (used by the
 * benchmark itself).
 */
public final class Bench {

	static final String CHANNEL = "bench";

	static final String STREAM = "bench-stream";

	/** The pub/sub variants of scenarios (a) to (c). */
	private static final List<Variant> PUBSUB = List.of(Variant.BASELINE, Variant.PIPELINE, Variant.ORDER);

	/** The variants of scenario (b): tracing's cost is measured at the steady rate. */
	private static final List<Variant> STEADY = List.of(Variant.BASELINE, Variant.PIPELINE, Variant.ORDER,
			Variant.TRACED);

	private final Options options;

	private final LocalRedis redis;

	private final Publisher publisher;

	private final Results results = new Results();

	private int runs;

	private TraceSink traceSink;

	private Bench(Options options, LocalRedis redis, Publisher publisher) {
		this.options = options;
		this.redis = redis;
		this.publisher = publisher;
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 3 && args[0].equals("baseline")) {
			BaselineSubscriber.main(args[1], args[2]);
			return;
		}
		if (args.length == 5 && args[0].equals("publish")) {
			// publish URL KIND RATE SECONDS: a steady load on its own (0 = as fast as possible, RATE messages)
			try (Publisher publisher = new Publisher(args[1], 2)) {
				Publisher.Kind kind = Publisher.Kind.valueOf(args[2].toUpperCase());
				int rate = Integer.parseInt(args[3]);
				Publisher.Result result = (rate > 0)
						? publisher.steady(CHANNEL, kind, "p" + System.currentTimeMillis(), rate,
								Duration.ofSeconds(Long.parseLong(args[4])))
						: publisher.burst(CHANNEL, kind, "p" + System.currentTimeMillis(), Long.parseLong(args[4]));
				System.out.printf("published %d (%d delivered) at %.0f msg/s%n", result.published(), result.delivered(),
						result.perSecond());
			}
			return;
		}
		if (args.length == 3 && args[0].equals("publish-stream")) {
			// publish-stream URL COUNT: COUNT no-op entries added to the bench stream as fast as possible
			try (Publisher publisher = new Publisher(args[1], 2)) {
				Publisher.Result result = publisher.streamBurst(STREAM, Publisher.Kind.BENCH, "s" + System.currentTimeMillis(),
						Long.parseLong(args[2]));
				System.out.printf("added %d at %.0f entries/s%n", result.published(), result.perSecond());
			}
			return;
		}
		Options options = Options.parse(args);
		long started = System.nanoTime();
		try (LocalRedis redis = LocalRedis.start(); Publisher publisher = new Publisher(redis.url(), 2)) {
			Bench bench = new Bench(options, redis, publisher);
			StartupScenarios startup = new StartupScenarios(options, redis.url(), bench);
			if (options.stream()) {
				new StreamScenarios(options, redis, publisher, bench.results, bench::nextRunId).run();
			}
			else if (options.startup()) {
				startup.run();
			}
			else {
				bench.run();
			}
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			Path out = Path.of(options.out());
			String previous = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
			String report;
			if (options.stream()) {
				String section = bench.results.streamMarkdown(options, took, LocalDate.now());
				report = Results.Section.STREAM.replaceIn(previous, section);
				System.out.println(section);
			}
			else if (options.startup()) {
				String section = startup.markdown(took, LocalDate.now());
				report = Results.Section.STARTUP.replaceIn(previous, section);
				System.out.println(section);
			}
			else {
				report = bench.results.markdown(options, redis.version(), took, LocalDate.now());
				// The other modes' sections and the hand-written notes (earlier runs, profiles) survive a new run.
				for (Results.Section section : Results.Section.values()) {
					report = section.replaceIn(report, section.in(previous));
				}
				System.out.println(report);
			}
			Files.writeString(out, report);
			System.out.println("Written to " + options.out() + " in " + took.toSeconds() + " s");
		}
	}

	private void run() throws Exception {
		for (int round = 1; round <= this.options.rounds(); round++) {
			for (Variant variant : PUBSUB) {
				try (Consumer consumer = start(variant)) {
					burst(consumer, variant, "a' cold burst", round);
					burst(consumer, variant, "a warm burst", round);
				}
				this.redis.flushAll();
			}
		}
		for (Variant variant : STEADY) {
			try (Consumer consumer = start(variant)) {
				warmUp(consumer, variant);
				steady(consumer, variant, "b steady 10k/s", this.options.steadyRate(), true);
			}
			this.redis.flushAll();
		}
		if (this.traceSink != null) {
			this.results.spansExported(this.traceSink.posts(), this.traceSink.bytes());
			this.traceSink.close();
		}
		for (Variant variant : PUBSUB) {
			// Start at 70% of the slowest warm burst; go up by a quarter while clean, down by 30% until clean.
			int rate = this.results.startingRate(variant);
			Boolean wasClean = null;
			try (Consumer consumer = start(variant)) {
				warmUp(consumer, variant);
				for (int attempt = 1; attempt <= this.options.rateAttempts() && rate > 0; attempt++) {
					boolean clean = steady(consumer, variant, "c highest clean rate", rate, false).clean();
					if (wasClean != null && wasClean != clean) {
						break;
					}
					wasClean = clean;
					rate = Results.roundRate(clean ? rate * 1.25 : rate * 0.7);
					this.redis.flushAll();
				}
			}
			this.redis.flushAll();
		}
	}

	private Consumer start(Variant variant) throws Exception {
		List<String> java = List.of(ProcessHandle.current().info().command().orElse("java"));
		String type = variant.kind().name().toLowerCase();
		Consumer consumer = switch (variant) {
			case BASELINE -> new BaselineConsumer(java, this.options.benchJar(), this.redis.url(), CHANNEL);
			case TRACED -> new ServiceConsumer(java, this.options.serviceJar(), this.redis.url(), CHANNEL, type,
					"--management.tracing.export.enabled=true",
					"--management.tracing.export.zipkin.endpoint=" + traceSink().endpoint(),
					"--management.tracing.sampling.probability=0.1");
			default -> new ServiceConsumer(java, this.options.serviceJar(), this.redis.url(), CHANNEL, type);
		};
		consumer.awaitReady(Duration.ofSeconds(120));
		return consumer;
	}

	private TraceSink traceSink() throws IOException {
		if (this.traceSink == null) {
			this.traceSink = new TraceSink();
		}
		return this.traceSink;
	}

	/** The steady rate in 5-s windows until the JIT has done its work ({@link #untilCompiled}). */
	private void warmUp(Consumer consumer, Variant variant) throws Exception {
		untilCompiled(consumer, variant.label(), () -> {
			Consumer.Counts before = consumer.counts();
			Publisher.Result result = this.publisher.steady(CHANNEL, variant.kind(), nextRunId(),
					this.options.steadyRate(), Duration.ofSeconds(5));
			settle(consumer, before, result);
		});
	}

	/**
	 * Run a warm-up window again and again until the JIT compiler threads took under a twentieth of
	 * the process's CPU in one (at most 12 windows). A steady figure measured while the JIT still
	 * compiles charges its one-off cost to every message.
	 * @param consumer the consumer warmed up
	 * @param label what it is, for the output
	 * @param window one window of load, waiting until it is consumed
	 * @throws Exception when the load or the consumer fails
	 */
	static void untilCompiled(Consumer consumer, String label, Window window) throws Exception {
		for (int round = 1; round <= 12; round++) {
			long cpu = consumer.process().cpuMicros();
			long compiler = consumer.process().compilerCpuMicros();
			window.run();
			double share = (double) (consumer.process().compilerCpuMicros() - compiler)
					/ Math.max(1, consumer.process().cpuMicros() - cpu);
			System.out.printf(Locale.ROOT, "warm-up %s, window %d: JIT compiler %.0f%% of the CPU%n", label, round,
					share * 100);
			if (share < 0.05) {
				return;
			}
		}
	}

	/** One window of warm-up load. */
	@FunctionalInterface
	interface Window {

		void run() throws Exception;

	}

	private Results.Row burst(Consumer consumer, Variant variant, String scenario, int round) throws Exception {
		return burst(consumer, variant, scenario + " (round " + round + ")");
	}

	/** A burst of the options' size, as fast as the publisher goes, measured as one row. */
	Results.Row burst(Consumer consumer, Variant variant, String scenario) throws Exception {
		return measure(consumer, variant, scenario,
				() -> this.publisher.burst(CHANNEL, variant.kind(), nextRunId(), this.options.burst()), false);
	}

	private Results.Row steady(Consumer consumer, Variant variant, String scenario, int rate, boolean latency)
			throws Exception {
		return measure(consumer, variant, scenario + " @" + rate + "/s",
				() -> this.publisher.steady(CHANNEL, variant.kind(), nextRunId(), rate, this.options.steadyDuration()),
				latency);
	}

	private Results.Row measure(Consumer consumer, Variant variant, String scenario, Load load, boolean latency)
			throws Exception {
		if (latency) {
			consumer.latency(); // start a new latency sample
		}
		Consumer.Counts before = consumer.counts();
		long cpuBefore = consumer.process().cpuMicros();
		long disconnectsBefore = this.redis.outputBufferDisconnects();
		long redisCpuBefore = this.redis.cpuMicros();
		long started = System.nanoTime();
		Publisher.Result published = load.publish();
		Settled settled = settle(consumer, before, published);
		Consumer.Counts counts = settled.counts().minus(before);
		long cpu = consumer.process().cpuMicros() - cpuBefore;
		boolean disconnected = this.redis.outputBufferDisconnects() > disconnectsBefore || counts.reconnects() > 0;
		Consumer.Latency percentiles = latency ? consumer.latency() : Consumer.Latency.UNKNOWN;
		Results.Row row = new Results.Row(scenario, variant, published.published(), published.perSecond(),
				counts, disconnected, counts.outcomes() * 1e9 / Math.max(1, settled.lastChangeNanos() - started),
				(counts.outcomes() > 0) ? (double) cpu / counts.outcomes() : 0, consumer.process().peakRssMiB(),
				consumer.process().peakThreads(), percentiles)
			.withRedisCpu((double) (this.redis.cpuMicros() - redisCpuBefore) / Math.max(1, counts.outcomes()));
		this.results.add(row);
		System.out.println(row.line());
		return row;
	}

	/** Wait until every delivered message reached an outcome, or the counts stop moving. */
	private Settled settle(Consumer consumer, Consumer.Counts before, Publisher.Result published) throws Exception {
		long lastChange = System.nanoTime();
		Consumer.Counts counts = consumer.counts();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (counts.outcomes() - before.outcomes() < published.delivered() && System.nanoTime() < deadline
				&& System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(3)) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			Consumer.Counts next = consumer.counts();
			if (next.outcomes() != counts.outcomes()) {
				lastChange = System.nanoTime();
			}
			counts = next;
		}
		return new Settled(counts, lastChange);
	}

	private String nextRunId() {
		return "r" + (++this.runs);
	}

	/** Wait for a child process to exit, killing it when it takes longer. */
	static void awaitExit(Process process, Duration timeout) {
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private record Settled(Consumer.Counts counts, long lastChangeNanos) {
	}

	@FunctionalInterface
	private interface Load {

		Publisher.Result publish();

	}

	/** What is measured. */
	enum Variant {

		BASELINE("bare Lettuce + Jackson (baseline)", Publisher.Kind.BENCH),
		PIPELINE("service, no-op `bench` handler", Publisher.Kind.BENCH),
		ORDER("service, real `order` handler", Publisher.Kind.ORDER),
		TRACED("service, no-op `bench` handler, tracing export on, sampling 0.1", Publisher.Kind.BENCH),
		STREAM("service, stream mode (consumer group), no-op `bench` handler", Publisher.Kind.BENCH);

		private final String label;

		private final Publisher.Kind kind;

		Variant(String label, Publisher.Kind kind) {
			this.label = label;
			this.kind = kind;
		}

		String label() {
			return this.label;
		}

		Publisher.Kind kind() {
			return this.kind;
		}

	}

	/**
	 * Command-line options.
	 * @param serviceJar the packaged service
	 * @param benchJar this benchmark's jar (for the baseline's JVM)
	 * @param out where the report goes
	 * @param burst messages per burst
	 * @param rounds alternated rounds of the burst scenarios
	 * @param steadyRate the fixed rate of scenario (b)
	 * @param steadyDuration how long each steady run lasts
	 * @param rateAttempts how many rates scenario (c) tries per variant
	 * @param command the command line, for the report
	 * @param stream run scenario (d), stream mode and scale-out, only
	 * @param steadyOnly with {@code stream}, run only its steady case (stream against pub/sub)
	 * @param startup run the start-up scenario only
	 * @param jdk17 the JDK 17 home of the start-up scenario
	 * @param jdk25 the JDK 25 home of the start-up scenario
	 */
	record Options(String serviceJar, String benchJar, String out, long burst, int rounds, int steadyRate,
			Duration steadyDuration, int rateAttempts, String command, boolean stream, boolean steadyOnly,
			boolean startup, String jdk17, String jdk25) {

		static Options parse(String[] args) {
			Map<String, String> values = new LinkedHashMap<>();
			for (String arg : args) {
				String[] pair = arg.replaceFirst("^--", "").split("=", 2);
				values.put(pair[0], (pair.length > 1) ? pair[1] : "true");
			}
			boolean quick = values.containsKey("quick");
			boolean stream = values.containsKey("stream");
			boolean startup = values.containsKey("startup");
			return new Options(values.getOrDefault("service-jar", "target/message-consumer-0.1.0-SNAPSHOT.jar"),
					values.getOrDefault("bench-jar", "bench/target/bench.jar"),
					values.getOrDefault("out", quick ? "target/BENCHMARKS-quick.md" : "BENCHMARKS.md"),
					quick ? 100_000 : 1_000_000, quick ? 1 : 2, 10_000,
					Duration.ofSeconds(Long.parseLong(values.getOrDefault("steady-seconds", quick ? "5" : "30"))),
					quick ? 2 : 3, "scripts/bench.sh" + (quick ? " --quick" : "") + (stream ? " --stream" : "")
							+ (startup ? " --startup" : ""),
					stream, "steady".equals(values.get("only")), startup,
					values.getOrDefault("jdk17", "/usr/lib/jvm/java-17-openjdk-amd64"),
					values.getOrDefault("jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
		}

	}

}
