package io.messageconsumer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The bare Lettuce + Jackson baseline ({@link BaselineSubscriber}) in a JVM of its own. */
final class BaselineConsumer implements Consumer {

	private final Process process;

	private final BufferedReader out;

	private final PrintWriter in;

	private final ProcessStats stats;

	BaselineConsumer(List<String> java, String benchJar, String redisUrl, String channel) throws IOException {
		List<String> command = new java.util.ArrayList<>(java);
		command.addAll(List.of("-Xmx256m", "-jar", benchJar, "baseline", redisUrl, channel));
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		this.out = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		this.in = new PrintWriter(this.process.getOutputStream(), true, StandardCharsets.UTF_8);
		this.stats = new ProcessStats(this.process.pid());
	}

	@Override
	public void awaitReady(Duration timeout) throws IOException {
		readLine("READY");
	}

	private synchronized String[] query(String command) throws IOException {
		this.in.println(command);
		return readLine("STATS").split(" ");
	}

	private String readLine(String prefix) throws IOException {
		for (String line = this.out.readLine(); line != null; line = this.out.readLine()) {
			if (line.startsWith(prefix)) {
				return line;
			}
		}
		throw new IOException("baseline exited before " + prefix);
	}

	@Override
	public Counts counts() throws IOException {
		String[] stats = query("stats");
		long processed = Long.parseLong(stats[2]);
		return new Counts(Long.parseLong(stats[1]), processed + Long.parseLong(stats[3]), processed, 0, 0, 0);
	}

	/** The percentiles of the messages since the last call. */
	@Override
	public Latency latency() throws IOException {
		String[] stats = query("latency");
		return new Latency(Long.parseLong(stats[4]), Long.parseLong(stats[5]), Long.parseLong(stats[6]));
	}

	@Override
	public ProcessStats process() {
		return this.stats;
	}

	@Override
	public void close() {
		this.stats.close();
		this.in.println("quit");
		Bench.awaitExit(this.process, Duration.ofSeconds(10));
	}

}
