package io.messageconsumer.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code redis-server} that speaks TLS only ({@code --port 0 --tls-port <free>}) with a
 * server certificate from {@link TestCertificates}, clients not asked for certificates
 * ({@code tls-auth-clients no}), logging at {@code verbose} so every accepted connection, and
 * every failed handshake, is in {@link #log()}. Needs {@code redis-server} built with TLS
 * and {@code redis-cli}.
 */
public final class RedisTlsServerProcess extends LocalProcess {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private final TestCertificates certificates;

	private RedisTlsServerProcess(int port, TestCertificates certificates, Path log, Process process) {
		super(process, port, log);
		this.certificates = certificates;
	}

	/**
	 * Start a TLS-only server on a free port of 127.0.0.1 and wait until it answers {@code PING}
	 * over TLS.
	 * @param certificates the CA and server certificate
	 * @return the running server
	 */
	public static RedisTlsServerProcess start(TestCertificates certificates) {
		int port = freePort();
		Path log = certificates.directory().resolve("redis-server.log");
		List<String> command = List.of("redis-server", "--port", "0", "--tls-port", Integer.toString(port), "--bind",
				"127.0.0.1", "--tls-cert-file", certificates.serverCertificate().toString(), "--tls-key-file",
				certificates.serverKey().toString(), "--tls-ca-cert-file", certificates.caCertificate().toString(),
				"--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--loglevel", "verbose", "--dir",
				certificates.directory().toString());
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start redis-server", ex);
		}
		RedisTlsServerProcess server = new RedisTlsServerProcess(port, certificates, log, process);
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (true) {
			if (!process.isAlive()) {
				throw new IllegalStateException("redis-server exited during start-up: " + server.log());
			}
			try {
				if ("PONG".equals(server.cli("PING"))) {
					return server;
				}
			}
			catch (IllegalStateException ex) {
				if (System.nanoTime() > deadline) {
					server.close();
					throw new IllegalStateException("redis-server did not answer over TLS: " + server.log(), ex);
				}
			}
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
		}
	}

	/**
	 * Run {@code redis-cli} over TLS, trusting the test CA.
	 * @param arguments the command and its arguments
	 * @return the trimmed standard output
	 */
	public String cli(String... arguments) {
		List<String> command = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert",
				this.certificates.caCertificate().toString(), "-h", "127.0.0.1", "-p", Integer.toString(port())));
		command.addAll(List.of(arguments));
		try {
			Path output = Files.createTempFile(this.certificates.directory(), "cli", ".out");
			try {
				Process cli = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
					.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!cli.waitFor(10, TimeUnit.SECONDS)) {
					cli.destroyForcibly();
					throw new IllegalStateException("redis-cli " + String.join(" ", arguments) + " took too long");
				}
				String text = Files.readString(output).trim();
				if (cli.exitValue() != 0) {
					throw new IllegalStateException("redis-cli " + String.join(" ", arguments) + ": " + text);
				}
				return text;
			}
			finally {
				Files.deleteIfExists(output);
			}
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
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
