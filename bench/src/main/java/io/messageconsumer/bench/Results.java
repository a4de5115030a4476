package io.messageconsumer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The rows measured, the targets checked against them, and the Markdown report. */
final class Results {

	private final List<Row> rows = new ArrayList<>();

	private String spansExported = "";

	void add(Row row) {
		this.rows.add(row);
	}

	/** What the traced variant's spans came to, at the trace sink. */
	void spansExported(long posts, long bytes) {
		this.spansExported = String.format(Locale.ROOT, "%,d span batches, %,d KiB", posts, bytes / 1024);
	}

	/** Scenario (c) starts at 70% of the variant's slowest warm burst, rounded down to 5,000. */
	int startingRate(Bench.Variant variant) {
		OptionalDouble slowest = this.rows.stream()
			.filter((row) -> row.variant() == variant && row.scenario().startsWith("a warm"))
			.mapToDouble(Row::consumedPerSecond)
			.min();
		return roundRate(slowest.orElse(10_000) * 0.7);
	}

	static int roundRate(double rate) {
		return Math.max(5_000, (int) (rate / 5_000) * 5_000);
	}

	/**
	 * One measured run.
	 * @param scenario what was published
	 * @param variant who consumed
	 * @param published messages published
	 * @param publishedPerSecond the publisher's rate
	 * @param counts the consumer's counters for the run
	 * @param disconnected whether Redis cut the reader, or it reconnected
	 * @param consumedPerSecond outcomes per second, from the first publish to the last outcome
	 * @param cpuMicrosPerMessage consumer CPU per message
	 * @param peakRssMiB peak resident memory of the consumer process
	 * @param peakThreads peak thread count of the consumer process
	 * @param latency delivery latency percentiles, when measured
	 * @param acknowledged stream entries acknowledged (stream mode), or {@code -1}
	 * @param shares outcomes per replica (stream mode), or empty
	 * @param readsPerThousand {@code XREADGROUP} round trips per 1,000 acknowledged entries (stream mode), or NaN
	 * @param acksPerThousand {@code XACK} round trips per 1,000 acknowledged entries (stream mode), or NaN
	 * @param redisCpuMicrosPerMessage Redis's own CPU per outcome over the run, or NaN
	 */
	record Row(String scenario, Bench.Variant variant, long published, double publishedPerSecond, Consumer.Counts counts,
			boolean disconnected, double consumedPerSecond, double cpuMicrosPerMessage, long peakRssMiB, int peakThreads,
			Consumer.Latency latency, long acknowledged, String shares, double readsPerThousand, double acksPerThousand,
			double redisCpuMicrosPerMessage) {

		Row(String scenario, Bench.Variant variant, long published, double publishedPerSecond, Consumer.Counts counts,
				boolean disconnected, double consumedPerSecond, double cpuMicrosPerMessage, long peakRssMiB,
				int peakThreads, Consumer.Latency latency, long acknowledged, String shares) {
			this(scenario, variant, published, publishedPerSecond, counts, disconnected, consumedPerSecond,
					cpuMicrosPerMessage, peakRssMiB, peakThreads, latency, acknowledged, shares, Double.NaN, Double.NaN,
					Double.NaN);
		}

		Row(String scenario, Bench.Variant variant, long published, double publishedPerSecond, Consumer.Counts counts,
				boolean disconnected, double consumedPerSecond, double cpuMicrosPerMessage, long peakRssMiB,
				int peakThreads, Consumer.Latency latency) {
			this(scenario, variant, published, publishedPerSecond, counts, disconnected, consumedPerSecond,
					cpuMicrosPerMessage, peakRssMiB, peakThreads, latency, -1, "");
		}

		/** This row with the stream round trips Redis served for it. */
		Row withRoundTrips(double reads, double acks) {
			return new Row(this.scenario, this.variant, this.published, this.publishedPerSecond, this.counts,
					this.disconnected, this.consumedPerSecond, this.cpuMicrosPerMessage, this.peakRssMiB, this.peakThreads,
					this.latency, this.acknowledged, this.shares, reads, acks, this.redisCpuMicrosPerMessage);
		}

		/** This row with Redis's own CPU per message over the run. */
		Row withRedisCpu(double micros) {
			return new Row(this.scenario, this.variant, this.published, this.publishedPerSecond, this.counts,
					this.disconnected, this.consumedPerSecond, this.cpuMicrosPerMessage, this.peakRssMiB, this.peakThreads,
					this.latency, this.acknowledged, this.shares, this.readsPerThousand, this.acksPerThousand, micros);
		}

		/** Published minus outcomes, plus dead letters the consumer had to drop. */
		long lost() {
			return this.published - this.counts.outcomes() + this.counts.droppedDeadLetters();
		}

		boolean clean() {
			return lost() == 0 && this.counts.overflowed() == 0 && !this.disconnected;
		}

		String line() {
			return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %,d | %s | %,.0f | %.2f | %s | %d | %d | %s |",
					this.scenario, this.variant.label(), this.published, this.counts.received(), this.counts.processed(),
					lost(), this.counts.overflowed(), this.disconnected ? "**yes**" : "no", this.consumedPerSecond,
					this.cpuMicrosPerMessage, Double.isNaN(this.redisCpuMicrosPerMessage) ? ""
							: String.format(Locale.ROOT, "%.2f", this.redisCpuMicrosPerMessage),
					this.peakRssMiB, this.peakThreads, latencyText());
		}

		private String latencyText() {
			Consumer.Latency l = this.latency;
			return (l.p50() < 0) ? "" : String.format(Locale.ROOT, "%s / %s / %s", micros(l.p50()), micros(l.p99()),
					micros(l.p999()));
		}

		private static String micros(long micros) {
			return (micros >= 10_000) ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : micros + " µs";
		}

	}

	String markdown(Bench.Options options, String redisVersion, Duration took, LocalDate date) {
		StringBuilder md = new StringBuilder();
		md.append("# Benchmarks\n\n");
		md.append("Produced by `").append(options.command()).append("` on ").append(date).append(" in ")
			.append(took.toSeconds()).append(" s. Every figure below comes from that one run; on this shared 2-core ")
			.append("machine absolute figures swing by 2x between runs, so compare the ratios measured in the same run.\n\n");
		md.append("- Machine: ").append(machine()).append('\n');
		md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
			.append(System.getProperty("java.version")).append(" (publisher, baseline and service alike)\n");
		md.append("- Redis: ").append(redisVersion)
			.append(", one local `redis-server` started by the benchmark, no persistence, default output-buffer limits\n");
		md.append("- Publisher: 2 pipelined Lettuce connections in the benchmark's JVM; ").append(String.format(Locale.ROOT,
				"%,d", options.burst())).append("-message bursts; steady runs of ").append(options.steadyDuration().toSeconds())
			.append(" s\n");
		md.append("- Consumers: each variant in a JVM of its own, the service with `-Xmx256m`; alternated per round\n\n");
		md.append("## Targets\n\n");
		md.append("| target | measured | met |\n|---|---|---|\n");
		new PubSubTargets(this.rows, this.spansExported).write(md);
		md.append("\n## All runs\n\n");
		md.append("`lost` = published minus outcomes, plus dead letters the service had to drop (`consumer.dead.letters.dropped`); `overflowed` = dead-lettered `overflow` (kept, replayable); ")
			.append("`disconnected` = Redis cut the reader for its output buffer (from the Redis log) or the consumer ")
			.append("reconnected; msg/s = outcomes per second from the first publish to the last outcome; CPU = consumer ")
			.append("process CPU (user + system) per outcome; Redis CPU = `redis-server`'s own (`INFO cpu`) per outcome over the run; latency = publish `time` to outcome, p50 / p99 / p99.9 (the baseline: ")
			.append("exact, from every message; the service: from its `consumer.delivery.latency` histogram buckets, ")
			.append("interpolated within a bucket).\n\n");
		md.append("| scenario | variant | published | received | processed | lost | overflowed | disconnected | msg/s | ")
			.append("CPU µs/msg | Redis CPU µs/msg | peak RSS MiB | peak threads | latency |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		this.rows.forEach((row) -> md.append(row.line()).append('\n'));
		return md.toString();
	}

	/** A section of {@code BENCHMARKS.md} that one mode of the benchmark writes and the others keep. */
	enum Section {

		STREAM("<!-- stream mode: scripts/bench.sh --stream -->", "<!-- end of stream mode -->"),
		STARTUP("<!-- start-up: scripts/bench.sh --startup -->", "<!-- end of start-up -->"),
		NOTES("<!-- notes: kept by scripts/bench.sh -->", "<!-- end of notes -->");

		final String begin;

		final String end;

		Section(String begin, String end) {
			this.begin = begin;
			this.end = end;
		}

		/** This section of a report, or an empty string. */
		String in(String report) {
			int from = report.indexOf(this.begin);
			int to = report.indexOf(this.end);
			return (from >= 0 && to > from) ? report.substring(from, to + this.end.length()) + "\n" : "";
		}

		/** The report with this section replaced by the given one (appended when it has none). */
		String replaceIn(String report, String section) {
			String current = in(report);
			if (!current.isEmpty()) {
				return report.replace(current, section);
			}
			return section.isEmpty() ? report : report.stripTrailing() + "\n\n" + section;
		}

	}

	String streamMarkdown(Bench.Options options, Duration took, LocalDate date) {
		StringBuilder md = new StringBuilder(Section.STREAM.begin).append("\n");
		md.append("## Stream mode and scale-out (scenario d)\n\n");
		md.append("Produced by `").append(options.command()).append("` on ").append(date).append(" in ")
			.append(took.toSeconds()).append(" s, JDK ").append(System.getProperty("java.version")).append(", on ")
			.append(machine()).append(". The service in `consumer.mode=stream` with the no-op `bench` handler ")
			.append("(JVMs of their own, `-Xmx256m`, default concurrency and `consumer.streams.batch-size`), in three ")
			.append("cases: **catch-up**, ").append(String.format(Locale.ROOT, "%,d", options.burst()))
			.append(" entries already in the stream when one replica starts (after downtime), drained with no publisher ")
			.append("running, msg/s and CPU counted from readiness; **steady**, the same rate through pub/sub and ")
			.append("through the stream, one service each, for the CPU per message of each (each warmed at that rate until its JIT compiler threads take under 5% of its CPU); **live burst**, 1, 2 and 3 ")
			.append("replicas in one group after a warm-up burst of a tenth, the entries added by 2 pipelined connections ")
			.append("(`XADD`) as fast as they go, msg/s from the first `XADD` to the last acknowledgement. msg/s counts ")
			.append("entries acknowledged (`XACK`, `consumer.stream.acknowledged`); CPU = all replicas' CPU per ")
			.append("acknowledged entry; round trips = Redis's own `INFO commandstats` calls per 1,000 acknowledged entries. ")
			.append("Everything shares the same 2 cores with Redis and the publisher, so more replicas cannot add CPU ")
			.append("here: the scale-out figure shows the cost of sharing, not the scaling a multi-host deployment gets.\n\n");
		md.append("| target | measured | met |\n|---|---|---|\n");
		Row catchUp = first((row) -> row.scenario().startsWith("d catch-up"));
		Row single = first((row) -> row.scenario().endsWith(" 1 replica"));
		target(md, "(d) stream mode ≥ 100,000 entries/s acknowledged with one replica, its own ceiling (catch-up)",
				(catchUp != null) ? String.format(Locale.ROOT, "%,.0f msg/s catch-up, %,d lost; live burst %s",
						catchUp.consumedPerSecond(), catchUp.published() - catchUp.acknowledged(),
						(single != null) ? String.format(Locale.ROOT, "%,.0f msg/s (publisher %,.0f/s)",
								single.consumedPerSecond(), single.publishedPerSecond()) : "not run")
						: "not run",
				catchUp != null && catchUp.consumedPerSecond() >= 100_000 && catchUp.acknowledged() == catchUp.published());
		Row pubsub = first((row) -> row.scenario().startsWith("d steady, pub/sub"));
		Row stream = first((row) -> row.scenario().startsWith("d steady, stream"));
		double cpuRatio = (pubsub != null && stream != null) ? stream.cpuMicrosPerMessage() / pubsub.cpuMicrosPerMessage()
				: Double.NaN;
		target(md, "(d) stream CPU per entry ≤ 1.2x pub/sub's, same steady rate",
				Double.isNaN(cpuRatio) ? "not run" : String.format(Locale.ROOT, "%.2fx (%.2f µs vs %.2f µs)", cpuRatio,
						stream.cpuMicrosPerMessage(), pubsub.cpuMicrosPerMessage()),
				cpuRatio <= 1.2);
		StringBuilder scale = new StringBuilder();
		for (Row row : this.rows) {
			if (single != null && row.scenario().startsWith("d stream burst")) {
				scale.append((scale.length() > 0) ? "; " : "").append(row.scenario().replace("d stream burst, ", ""))
					.append(String.format(Locale.ROOT, ": %,.0f msg/s (%.2fx)", row.consumedPerSecond(),
							row.consumedPerSecond() / single.consumedPerSecond()));
			}
		}
		md.append("| (d) consumer-group scale-out, live burst | ").append(scale).append(" | (figure) |\n\n");
		md.append("| scenario | published | added msg/s | acknowledged | processed per replica | lost | disconnected | msg/s | ")
			.append("CPU µs/msg | XREADGROUP / XACK per 1,000 | peak RSS MiB | peak threads |\n")
			.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (Row row : this.rows) {
			md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,d | %s | %,d | %s | %,.0f | %.2f | %s | %d | %d |\n",
					row.scenario(), row.published(), row.publishedPerSecond(), row.acknowledged(), row.shares(),
					row.published() - row.acknowledged(), row.disconnected() ? "**yes**" : "no", row.consumedPerSecond(),
					row.cpuMicrosPerMessage(), Double.isNaN(row.readsPerThousand()) ? "" : String.format(Locale.ROOT,
							"%.1f / %.1f", row.readsPerThousand(), row.acksPerThousand()),
					row.peakRssMiB(), row.peakThreads()));
		}
		return md.append(Section.STREAM.end).append("\n").toString();
	}

	private Row first(java.util.function.Predicate<Row> filter) {
		return this.rows.stream().filter(filter).findFirst().orElse(null);
	}

	static void target(StringBuilder md, String target, String measured, boolean met) {
		md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "**not met**")
			.append(" |\n");
	}






	static String machine() {
		String cpu = "unknown CPU";
		long memoryKiB = 0;
		try {
			cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
				.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.orElse(cpu);
			memoryKiB = Files.readAllLines(Path.of("/proc/meminfo")).stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.findFirst()
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")))
				.orElse(0L);
		}
		catch (IOException ex) {
			// keep the defaults
		}
		return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", " + memoryKiB / (1024 * 1024)
				+ " GiB, " + System.getProperty("os.name") + " " + System.getProperty("os.version");
	}

}
