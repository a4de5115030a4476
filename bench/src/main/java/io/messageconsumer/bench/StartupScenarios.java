package io.messageconsumer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The start-up scenario (issue 14, cold equals warm): the packaged service launched the ways it
 * can be run (the JDK 17 jar, the JDK 25 jar, the extracted jar on JDK 25 with an AOT cache from a
 * training run stopped once the context is refreshed, as the image builds it), each timed from the
 * launch of its JVM to readiness {@code UP}, then a 1M burst published that very moment (cold) and
 * the same burst again (warm). The variants alternate per round.
 */
final class StartupScenarios {

	private final Bench.Options options;

	private final String redisUrl;

	private final Bench bench;

	private final List<Measured> measured = new ArrayList<>();

	StartupScenarios(Bench.Options options, String redisUrl, Bench bench) {
		this.options = options;
		this.redisUrl = redisUrl;
		this.bench = bench;
	}

	void run() throws Exception {
		List<Launch> launches = launches();
		for (int round = 1; round <= this.options.rounds(); round++) {
			for (Launch launch : launches) {
				long started = System.nanoTime();
				try (ServiceConsumer consumer = new ServiceConsumer(launch.java(), launch.jar(), this.redisUrl,
						Bench.CHANNEL, "bench")) {
					consumer.awaitReady(Duration.ofSeconds(180));
					double ready = (System.nanoTime() - started) / 1e9;
					String name = launch.label() + " (round " + round + ")";
					Results.Row cold = this.bench.burst(consumer, Bench.Variant.PIPELINE, "cold burst, " + name);
					Results.Row warm = this.bench.burst(consumer, Bench.Variant.PIPELINE, "warm burst, " + name);
					this.measured.add(new Measured(launch, round, ready, consumer.bootSeconds(), cold, warm));
				}
			}
		}
	}

	/** The variants whose JDK is here; the AOT cache trained (and the jar extracted) when missing or older than the jar. */
	private List<Launch> launches() throws IOException, InterruptedException {
		List<Launch> launches = new ArrayList<>();
		String jar = this.options.serviceJar();
		Path java17 = Path.of(this.options.jdk17(), "bin", "java");
		Path java25 = Path.of(this.options.jdk25(), "bin", "java");
		if (Files.isExecutable(java17)) {
			launches.add(new Launch("JDK 17, `java -jar`", "", List.of(java17.toString()), jar));
		}
		if (Files.isExecutable(java25)) {
			launches.add(new Launch("JDK 25, `java -jar`", "", List.of(java25.toString()), jar));
			Path work = Path.of("target", "startup-bench");
			Path extracted = work.resolve("extracted").resolve(Path.of(jar).getFileName());
			Path cache = work.resolve("app.aot");
			if (!Files.exists(cache) || Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(Path.of(jar))) < 0) {
				Files.createDirectories(work);
				run(List.of(java25.toString(), "-Djarmode=tools", "-jar", jar, "extract", "--force", "--destination",
						work.resolve("extracted").toString()));
				run(List.of(java25.toString(), "-Xmx256m", "-XX:AOTCacheOutput=" + cache,
						"-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--spring.profiles.active=bench",
						"--server.port=0", "--spring.data.redis.url=" + this.redisUrl));
			}
			launches.add(new Launch("JDK 25, extracted jar + AOT cache", " (`onRefresh` training, as in the image)",
					List.of(java25.toString(), "-XX:AOTCache=" + cache), extracted.toString()));
		}
		return launches;
	}

	private static void run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IOException("failed: " + String.join(" ", command));
		}
	}

	String markdown(Duration took, LocalDate date) {
		StringBuilder md = new StringBuilder(Results.Section.STARTUP.begin).append("\n");
		md.append("## Start-up: time to ready and the cold burst\n\n");
		md.append("Produced by `").append(this.options.command()).append("` on ").append(date).append(" in ")
			.append(took.toSeconds()).append(" s on ").append(Results.machine()).append(". Each variant launched ")
			.append(this.options.rounds()).append(" times (variants alternated), `-Xmx256m`, no-op `bench` handler; ")
			.append("ready = launch of the JVM to the first `/actuator/health/readiness` answering `UP` (polled every 50 ms); ")
			.append("Boot = Spring's `process running for`; then a ").append(String.format(Locale.ROOT, "%,d", this.options.burst()))
			.append("-message burst published that moment (cold) and the same burst again (warm), as scenario (a'/a). ")
			.append("The image runs the third variant's command (`docs/container.md`).\n\n");
		md.append("| target | measured | met |\n|---|---|---|\n");
		double best = Double.MAX_VALUE;
		String bestLabel = "";
		for (String label : labels()) {
			double median = median(label);
			if (median < best) {
				best = median;
				bestLabel = label;
			}
		}
		Results.target(md, "Ready ≤ 3 s after launch (the fastest variant, median)",
				String.format(Locale.ROOT, "%.1f s: %s", best, bestLabel), best <= 3.0);
		List<String> lost = new ArrayList<>();
		boolean met = !this.measured.isEmpty();
		for (Measured m : this.measured) {
			met &= m.cold().lost() <= m.warm().lost();
			lost.add(String.format(Locale.ROOT, "%s round %d: %,d vs %,d", m.launch().name(), m.round(),
					m.cold().lost(), m.warm().lost()));
		}
		Results.target(md, "Cold equals warm: the burst the moment readiness is `UP` loses no more than the warm one (lost, cold vs warm)",
				String.join("; ", lost), met);
		md.append("\n| variant | round | ready | Boot | cold burst: lost, msg/s, CPU µs/msg | warm burst: lost, msg/s, CPU µs/msg |\n")
			.append("|---|---|---|---|---|---|\n");
		for (Measured m : this.measured) {
			md.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %.1f s | %s | %s |\n", m.label(), m.round(), m.ready(),
					m.boot(), burst(m.cold()), burst(m.warm())));
		}
		return md.append(Results.Section.STARTUP.end).append("\n").toString();
	}

	private static String burst(Results.Row row) {
		return String.format(Locale.ROOT, "%,d%s, %,.0f, %.2f", row.lost(), row.disconnected() ? " (cut)" : "",
				row.consumedPerSecond(), row.cpuMicrosPerMessage());
	}

	private List<String> labels() {
		return this.measured.stream().map(Measured::label).distinct().toList();
	}

	private double median(String label) {
		List<Double> ready = this.measured.stream().filter((m) -> m.label().equals(label)).map(Measured::ready).sorted().toList();
		int n = ready.size();
		return (n % 2 == 1) ? ready.get(n / 2) : (ready.get(n / 2 - 1) + ready.get(n / 2)) / 2;
	}

	/**
	 * One way of launching the service.
	 * @param name what it is, short
	 * @param detail what the tables add to the name
	 * @param java the JVM and its options
	 * @param jar the jar it runs
	 */
	private record Launch(String name, String detail, List<String> java, String jar) {

		String label() {
			return this.name + this.detail;
		}

	}

	private record Measured(Launch launch, int round, double ready, double boot, Results.Row cold, Results.Row warm) {

		String label() {
			return this.launch.label();
		}

	}

}
