package io.messageconsumer.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * A real {@code redis-server} process on a free port of 127.0.0.1, for tests that need a clean,
 * killable or pausable Redis. Nothing persists; the process never outlives the test JVM.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private final int port;

	private final Path directory;

	private final List<String> extraArguments;

	private volatile Process process;

	private RedisServerProcess(int port, Path directory, List<String> extraArguments) {
		this.port = port;
		this.directory = directory;
		this.extraArguments = List.copyOf(extraArguments);
	}

	/**
	 * Start a server on a free port.
	 * @param extraArguments further {@code redis-server} arguments, e.g. {@code --requirepass}, {@code x}
	 * @return the running server
	 */
	public static RedisServerProcess start(String... extraArguments) {
		try {
			RedisServerProcess server = new RedisServerProcess(freePort(), Files.createTempDirectory("redis-test"),
					List.of(extraArguments));
			server.launch();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The TCP port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The Redis URL of this server.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * The server's log file.
	 * @return the path
	 */
	public Path logFile() {
		return this.directory.resolve("redis.log");
	}

	/**
	 * Whether the process runs.
	 * @return {@code true} when alive
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** Stop the server (SIGTERM, then SIGKILL); nothing is saved. Idempotent. */
	public synchronized void stop() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroy();
			awaitExit(current);
		}
		this.process = null;
	}

	/** Kill the server with SIGKILL, as a crash would. */
	public synchronized void kill() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			awaitExit(current);
		}
		this.process = null;
	}

	/** Start the server again on the same port. */
	public synchronized void restart() {
		stop();
		launch();
	}

	/** Freeze the server with SIGSTOP: connections stay open, nothing answers. */
	public void pause() {
		signal("-STOP");
	}

	/** Resume a paused server with SIGCONT. */
	public void resume() {
		signal("-CONT");
	}

	/**
	 * Run {@code redis-cli} against this server.
	 * @param arguments the command and its arguments
	 * @return trimmed standard output
	 */
	public String cli(String... arguments) {
		List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(this.port)));
		command.addAll(List.of(arguments));
		try {
			Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			cli.waitFor(10, TimeUnit.SECONDS);
			return output.trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

	private synchronized void launch() {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.toString(), "--logfile",
				logFile().toString()));
		command.addAll(this.extraArguments);
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (true) {
			try {
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("redis-server is not installed or not on the PATH: " + ex.getMessage(), ex);
			}
			Process started = this.process;
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
			while (System.nanoTime() < deadline && started.isAlive()) {
				if (answersPing()) {
					return;
				}
				LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
			}
			if (started.isAlive() || System.nanoTime() >= deadline) {
				started.destroyForcibly();
				throw new IllegalStateException("redis-server did not answer on port " + this.port + " within "
						+ START_TIMEOUT + "; see " + logFile());
			}
			// Exited early, most likely the port is still held by the previous process: try again.
			LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
		}
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.readNBytes(reply, 0, 7);
			return read == 7 && new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("redis-server is not running");
		}
		try {
			new ProcessBuilder("kill", signal, Long.toString(current.pid())).start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitExit(Process process) {
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

}
