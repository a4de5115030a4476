package io.messageconsumer.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.messageconsumer.ConsumerApplication;

import static org.awaitility.Awaitility.await;

/**
 * The service started as a separate JVM, as an orchestrator starts it, so that tests can
 * send it signals.
 */
public final class ServiceProcess extends LocalProcess {

	private ServiceProcess(Process process, int port, Path log) {
		super(process, port, log);
	}

	/**
	 * Start the service with the test class path.
	 * @param arguments application arguments, e.g. {@code --consumer.concurrency=1}
	 * @return the running process
	 * @throws IOException when it cannot be started
	 */
	public static ServiceProcess start(String... arguments) throws IOException {
		int port = freePort();
		Path log = Files.createTempFile("message-consumer", ".log");
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ConsumerApplication.class.getName());
		command.add("--server.port=" + port);
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new ServiceProcess(process, port, log);
	}

	/**
	 * A health component's status.
	 * @param component e.g. {@code readiness}
	 * @return e.g. {@code UP}, or {@code UNREACHABLE}
	 */
	public String health(String component) {
		return Http.health(port(), component);
	}

	/**
	 * Wait until a health component has a status.
	 * @param component e.g. {@code readiness}
	 * @param status e.g. {@code UP}
	 * @param atMost how long to wait
	 */
	public void awaitHealth(String component, String status, Duration atMost) {
		await().atMost(atMost).until(() -> status.equals(health(component)));
	}

	/**
	 * The file holding the console output.
	 * @return the log file
	 */
	public File logFile() {
		return logPath().toFile();
	}

	/** Send SIGTERM, as an orchestrator does. */
	public void terminate() {
		this.process.destroy();
	}

	/**
	 * Wait for the process to exit.
	 * @param timeout how long to wait
	 * @return the exit code, or {@code null} when it is still running
	 * @throws InterruptedException when interrupted
	 */
	public Integer waitForExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? this.process.exitValue() : null;
	}

	/**
	 * Whether the process is still running.
	 * @return {@code true} when alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

}
