package io.messageconsumer.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code redis-server} of the benchmark's own, on a free port, no persistence, default
 * pub/sub output-buffer limits (so a reader that falls behind is cut, as in production).
 */
final class LocalRedis implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private LocalRedis(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	static LocalRedis start() throws IOException {
		int port = Bench.freePort();
		Path directory = Files.createTempDirectory("bench-redis");
		Path log = directory.resolve("redis.log");
		Process process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--logfile",
				log.toString()))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return new LocalRedis(process, port, log);
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline || !process.isAlive()) {
					throw new IOException("redis-server did not start on port " + port, ex);
				}
				LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
			}
		}
	}

	int port() {
		return this.port;
	}

	String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/** How often Redis has cut a client for its output buffer so far (from its log). */
	long outputBufferDisconnects() {
		try {
			return Files.readAllLines(this.log).stream().filter((line) -> line.contains("output buffer limits")).count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Empty the data set between runs (orders and dead letters of the last run). */
	void flushAll() throws IOException, InterruptedException {
		cli("FLUSHALL");
	}

	/**
	 * How often Redis ran a command since the last {@link #resetStats()}, from {@code INFO commandstats}.
	 * @param command the command, lower case ({@code xreadgroup})
	 * @return the calls
	 * @throws IOException when redis-cli cannot run
	 * @throws InterruptedException when interrupted
	 */
	long calls(String command) throws IOException, InterruptedException {
		String prefix = "cmdstat_" + command + ":calls=";
		for (String line : cli("INFO", "commandstats").split("\r?\n")) {
			if (line.startsWith(prefix)) {
				return Long.parseLong(line.substring(prefix.length(), line.indexOf(',', prefix.length())));
			}
		}
		return 0;
	}

	/**
	 * Redis's own CPU so far ({@code used_cpu_user} plus {@code used_cpu_sys} of {@code INFO cpu}).
	 * @return microseconds
	 * @throws IOException when redis-cli cannot run
	 * @throws InterruptedException when interrupted
	 */
	long cpuMicros() throws IOException, InterruptedException {
		double seconds = 0;
		for (String line : cli("INFO", "cpu").split("\r?\n")) {
			if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
				seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		return Math.round(seconds * 1e6);
	}

	/**
	 * Zero the command statistics ({@code CONFIG RESETSTAT}).
	 * @throws IOException when redis-cli cannot run
	 * @throws InterruptedException when interrupted
	 */
	void resetStats() throws IOException, InterruptedException {
		cli("CONFIG", "RESETSTAT");
	}

	private String cli(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(this.port)));
		command.addAll(List.of(arguments));
		Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		cli.waitFor(30, TimeUnit.SECONDS);
		return out;
	}

	String version() {
		try {
			Process cli = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
			String out = new String(cli.getInputStream().readAllBytes()).trim();
			cli.waitFor();
			return out.replaceAll(".*v=([0-9.]+).*", "$1");
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		Bench.awaitExit(this.process, Duration.ofSeconds(10));
	}

}
