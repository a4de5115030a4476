package io.messageconsumer.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} process on a free port of 127.0.0.1, for tests that need a Redis
 * they can stop, kill, restart on the same port, or freeze.
 * <p>
 * Nothing persists unless the extra arguments say so ({@code --save "" --appendonly no}, a fresh
 * temporary {@code --dir}); the server's console output, across restarts, goes to
 * {@link #logFile()}. A JVM shutdown hook
 * kills every server still running, so none outlives the test JVM. Needs {@code redis-server}
 * and {@code redis-cli} on the {@code PATH}.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);

	private static final int PORT_ATTEMPTS = 3;

	private static final InetAddress LOOPBACK = loopback();

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		// SIGKILL works on a SIGSTOPped server too, which a SIGTERM would not reach.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "redis-server-reaper"));
	}

	private final int port;

	private final Path directory;

	private final List<String> extraArguments;

	private final List<String> configLines;

	private volatile Process process;

	private volatile boolean paused;

	private RedisServerProcess(int port, Path directory, List<String> configLines, List<String> extraArguments) {
		this.port = port;
		this.directory = directory;
		this.configLines = configLines;
		this.extraArguments = extraArguments;
	}

	/**
	 * Start a server on a free port of 127.0.0.1 and wait until it answers {@code PING}.
	 * @param extraArguments further {@code redis-server} arguments, each its own element, e.g.
	 * {@code "--requirepass", "secret"}
	 * @return the running server
	 * @throws IllegalStateException when {@code redis-server} is missing or does not start
	 */
	public static RedisServerProcess start(String... extraArguments) {
		return startWithConfig(List.of(), extraArguments);
	}

	/**
	 * Start a server from a configuration file of the given lines, written once into the
	 * server's directory and kept across restarts (Sentinel needs such a file and rewrites it),
	 * on a free port of 127.0.0.1, and wait until it answers {@code PING}.
	 * @param configLines the lines of the file, e.g. {@code "sentinel monitor mymaster 127.0.0.1 6379 1"}
	 * @param extraArguments further arguments, e.g. {@code "--sentinel"}
	 * @return the running server
	 * @throws IllegalStateException when {@code redis-server} is missing or does not start
	 */
	public static RedisServerProcess startWithConfig(List<String> configLines, String... extraArguments) {
		requireOnPath("redis-server");
		Path directory = createDirectory();
		List<String> arguments = List.of(extraArguments);
		for (int attempt = 1;; attempt++) {
			RedisServerProcess server = new RedisServerProcess(freePort(), directory, List.copyOf(configLines),
					arguments);
			try {
				server.launch();
				return server;
			}
			catch (PortInUseException ex) {
				// Another process took the free port between our probe and redis-server's bind.
				if (attempt == PORT_ATTEMPTS) {
					throw new IllegalStateException(ex.getMessage(), ex);
				}
			}
		}
	}

	/**
	 * The TCP port, the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The Redis URL of this server, for {@code spring.data.redis.url}.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * The file that receives the server's console output, appended across restarts.
	 * @return the log file
	 */
	public Path logFile() {
		return this.directory.resolve("redis-server.log");
	}

	/**
	 * Whether the server process is alive (a paused server is alive).
	 * @return {@code true} when alive
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Stop the server gracefully (SIGTERM; nothing is saved), waiting for it to exit; a
	 * paused server is resumed first. Does nothing when the server is not running.
	 */
	public synchronized void stop() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			if (this.paused) {
				resume();
			}
			current.destroy();
			awaitExit(current);
		}
		this.process = null;
		this.paused = false;
	}

	/**
	 * Kill the server with SIGKILL, as a crash would, waiting for it to exit. Does nothing
	 * when the server is not running.
	 */
	public synchronized void kill() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroyForcibly();
			awaitExit(current);
		}
		this.process = null;
		this.paused = false;
	}

	/**
	 * Start the server again on the same port, stopping it first if it runs, and wait until it
	 * answers {@code PING}. The data set starts empty, unless the server was started with
	 * persistence (e.g. {@code "--appendonly", "yes"}): the arguments and the directory stay, so
	 * the files it wrote are loaded again ({@link #stop()} lets it write them out; {@link #kill()}
	 * loses what was not written yet).
	 */
	public synchronized void restart() {
		stop();
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (true) {
			try {
				launch();
				return;
			}
			catch (PortInUseException ex) {
				// Normally SO_REUSEADDR makes the port free at once; give a lingering socket time.
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(ex.getMessage(), ex);
				}
				LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
			}
		}
	}

	/**
	 * Freeze the server with SIGSTOP: connections stay open and the kernel still accepts new
	 * ones, but nothing is answered until {@link #resume()}.
	 */
	public synchronized void pause() {
		signal("STOP");
		this.paused = true;
	}

	/**
	 * Resume a server frozen by {@link #pause()} with SIGCONT.
	 */
	public synchronized void resume() {
		signal("CONT");
		this.paused = false;
	}

	/**
	 * Run {@code redis-cli} against this server, authenticating when the server was started
	 * with {@code --requirepass}. An error reply (e.g. {@code ERR unknown command}) is returned
	 * as output.
	 * @param arguments the command and its arguments, e.g. {@code "SET", "key", "value"}
	 * @return the trimmed standard output
	 * @throws IllegalStateException when {@code redis-cli} fails (e.g. cannot connect) or takes
	 * longer than 10 seconds
	 */
	public String cli(String... arguments) {
		List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(this.port)));
		String password = password();
		if (password != null) {
			command.addAll(List.of("--no-auth-warning", "-a", password));
		}
		command.addAll(List.of(arguments));
		try {
			File output = Files.createTempFile(this.directory, "cli", ".out").toFile();
			File errors = Files.createTempFile(this.directory, "cli", ".err").toFile();
			try {
				Process cli = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
					.redirectOutput(output)
					.redirectError(errors)
					.start();
				if (!cli.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					cli.destroyForcibly();
					throw new IllegalStateException("redis-cli " + String.join(" ", arguments) + " took longer than "
							+ CLI_TIMEOUT + " (is the server paused?)");
				}
				String stdout = Files.readString(output.toPath()).trim();
				if (cli.exitValue() != 0) {
					throw new IllegalStateException("redis-cli " + String.join(" ", arguments) + " exited with "
							+ cli.exitValue() + ": " + (Files.readString(errors.toPath()) + stdout).trim());
				}
				return stdout;
			}
			finally {
				Files.deleteIfExists(output.toPath());
				Files.deleteIfExists(errors.toPath());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run redis-cli (is it on the PATH?)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running redis-cli", ex);
		}
	}

	/**
	 * Stop the server and delete its directory, for a server that is not started again.
	 */
	public void stopAndDelete() {
		stop();
		try (var files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind is harmless.
		}
	}

	/**
	 * Stop the server, as {@link #stop()} does.
	 */
	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "redis-server on " + url() + (isRunning() ? (this.paused ? " (paused)" : "") : " (not running)");
	}

	/**
	 * The server's own temporary directory (working directory, log, configuration file).
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	private synchronized void launch() {
		List<String> command = new ArrayList<>(List.of("redis-server"));
		if (!this.configLines.isEmpty()) {
			command.add(configFile().toString());
		}
		command.addAll(List.of("--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.toString()));
		command.addAll(this.extraArguments);
		long logStart = logSize();
		Process started;
		try {
			started = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start redis-server (is it installed and on the PATH?)", ex);
		}
		running.add(started);
		started.onExit().thenRun(() -> running.remove(started));
		this.process = started;
		this.paused = false;
		awaitReady(started, logStart);
	}

	private Path configFile() {
		Path file = this.directory.resolve("redis.conf");
		try {
			if (!Files.exists(file)) {
				Files.write(file, this.configLines);
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + file, ex);
		}
	}

	private void awaitReady(Process started, long logStart) {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				this.process = null;
				String log = logTail(logStart);
				if (log.contains("Address already in use")) {
					throw new PortInUseException("redis-server could not bind 127.0.0.1:" + this.port + "\n" + log);
				}
				throw new IllegalStateException("redis-server exited with " + started.exitValue() + " during start-up; "
						+ logFile() + " ends with:\n" + log);
			}
			if (answersPing()) {
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
		started.destroyForcibly();
		awaitExit(started);
		this.process = null;
		throw new IllegalStateException("redis-server did not answer PING on 127.0.0.1:" + this.port + " within "
				+ READY_TIMEOUT + "; " + logFile() + " ends with:\n" + logTail(logStart));
	}

	/**
	 * Whether the server answers a PING; with {@code --requirepass} an authentication error
	 * counts as an answer.
	 */
	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(LOOPBACK, this.port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String reply = readLine(socket.getInputStream());
			return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != -1 && b != '\n' && line.length() < 256; b = in.read()) {
			line.append((char) b);
		}
		return line.toString().trim();
	}

	private String password() {
		int index = this.extraArguments.indexOf("--requirepass");
		return (index >= 0 && index + 1 < this.extraArguments.size()) ? this.extraArguments.get(index + 1) : null;
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid())).inheritIO().start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + current.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -" + signal, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal, ex);
		}
	}

	private long logSize() {
		try {
			return Files.exists(logFile()) ? Files.size(logFile()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** The last lines the server wrote since the given offset of the log. */
	private String logTail(long offset) {
		try {
			byte[] log = Files.readAllBytes(logFile());
			int from = (int) Math.min(offset, log.length);
			List<String> lines = new String(log, from, log.length - from, StandardCharsets.UTF_8).lines().toList();
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private static void awaitExit(Process process) {
		try {
			if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

	private static void requireOnPath(String executable) {
		String path = System.getenv().getOrDefault("PATH", "");
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, executable))) {
				return;
			}
		}
		throw new IllegalStateException(executable + " was not found on the PATH (" + path
				+ "); install Redis, e.g. 'apt-get install redis-server', to run the tests that need it");
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("redis-server-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for redis-server", ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port on 127.0.0.1", ex);
		}
	}

	private static InetAddress loopback() {
		try {
			return InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The server exited because its port was taken.
	 */
	private static final class PortInUseException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		PortInUseException(String message) {
			super(message);
		}

	}

}
