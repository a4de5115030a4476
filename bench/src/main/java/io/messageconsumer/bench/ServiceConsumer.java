package io.messageconsumer.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged service in a JVM of its own ({@code -Xmx256m}), with the {@code bench} profile
 * for the no-op type; counters read from its Actuator metrics, as an operator would.
 */
final class ServiceConsumer implements Consumer {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Pattern BOOT_STARTED = Pattern.compile("process running for ([0-9.]+)");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final int port;

	private final Path log;

	private final ProcessStats stats;

	private final String type;

	private TreeMap<Double, Long> lastHistogram = new TreeMap<>();

	ServiceConsumer(List<String> java, String serviceJar, String redisUrl, String channel, String type,
			String... arguments) throws IOException {
		this.type = type;
		this.port = Bench.freePort();
		this.log = Files.createTempFile("bench-service", ".log");
		List<String> command = new ArrayList<>(java);
		// -Dbench.service-jvm-args="..." adds JVM options to every service JVM, e.g. to record a JFR profile.
		String extra = System.getProperty("bench.service-jvm-args", "").replace("{port}", Integer.toString(this.port));
		if (!extra.isBlank()) {
			command.addAll(List.of(extra.trim().split("\\s+")));
		}
		command.addAll(List.of("-Xmx256m", "-jar", serviceJar, "--spring.profiles.active=bench",
				"--server.port=" + this.port, "--spring.data.redis.url=" + redisUrl, "--consumer.channels=" + channel));
		command.addAll(List.of(arguments));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
		this.stats = new ProcessStats(this.process.pid());
	}

	@Override
	public void awaitReady(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException("service exited: see " + this.log);
			}
			try {
				if (get("/actuator/health/readiness").path("status").asString("").equals("UP")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
		}
		throw new IOException("service not ready after " + timeout + ": see " + this.log);
	}

	@Override
	public Counts counts() throws IOException {
		return new Counts(meter("consumer.messages.received", ""), meter("consumer.messages", ""),
				meter("consumer.messages", "?tag=outcome:processed"), meter("consumer.overflow", ""),
				meter("consumer.redis.reconnects", ""), meter("consumer.dead.letters.dropped", ""));
	}

	/**
	 * Stream entries acknowledged so far (stream mode).
	 * @return the count
	 * @throws IOException when the service does not answer
	 */
	long acknowledged() throws IOException {
		return meter("consumer.stream.acknowledged", "");
	}

	/**
	 * Percentiles of the messages since the last call, from the service's own
	 * {@code consumer.delivery.latency} histogram (Prometheus buckets, interpolated within a bucket).
	 */
	@Override
	public Latency latency() throws IOException {
		TreeMap<Double, Long> now = histogram();
		TreeMap<Double, Long> delta = new TreeMap<>();
		now.forEach((bound, count) -> delta.put(bound, count - this.lastHistogram.getOrDefault(bound, 0L)));
		this.lastHistogram = now;
		return new Latency(percentile(delta, 0.5), percentile(delta, 0.99), percentile(delta, 0.999));
	}

	private TreeMap<Double, Long> histogram() throws IOException {
		TreeMap<Double, Long> buckets = new TreeMap<>();
		String prefix = "consumer_delivery_latency_seconds_bucket{type=\"" + this.type + "\",le=\"";
		for (String line : getText("/actuator/prometheus").split("\n")) {
			if (line.startsWith(prefix)) {
				String bound = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
				double le = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
				buckets.put(le, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
			}
		}
		return buckets;
	}

	/** Cumulative buckets: interpolate linearly inside the bucket that holds the quantile. */
	private static long percentile(TreeMap<Double, Long> cumulative, double quantile) {
		long total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
		if (total <= 0) {
			return -1;
		}
		double rank = quantile * total;
		double lower = 0;
		long below = 0;
		for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
			if (bucket.getValue() >= rank) {
				double upper = bucket.getKey().isInfinite() ? lower : bucket.getKey();
				long inBucket = bucket.getValue() - below;
				double fraction = (inBucket > 0) ? (rank - below) / inBucket : 1;
				return Math.round((lower + (upper - lower) * fraction) * 1e6);
			}
			lower = bucket.getKey();
			below = bucket.getValue();
		}
		return -1;
	}

	private long meter(String name, String query) throws IOException {
		JsonNode node = get("/actuator/metrics/" + name + query);
		return node.path("measurements").path(0).path("value").asLong(0);
	}

	private JsonNode get(String path) throws IOException {
		try {
			return json.readTree(getText(path));
		}
		catch (RuntimeException ex) {
			throw new IOException(ex);
		}
	}

	private String getText(String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * When Spring Boot said it had started, in seconds of process time ({@code process running for}).
	 * @return the seconds, or NaN when the log does not say
	 * @throws IOException when the log cannot be read
	 */
	double bootSeconds() throws IOException {
		Matcher started = BOOT_STARTED.matcher(Files.readString(this.log));
		return started.find() ? Double.parseDouble(started.group(1)) : Double.NaN;
	}

	@Override
	public ProcessStats process() {
		return this.stats;
	}

	@Override
	public void close() {
		this.stats.close();
		this.process.destroy();
		Bench.awaitExit(this.process, Duration.ofSeconds(60));
	}

}
