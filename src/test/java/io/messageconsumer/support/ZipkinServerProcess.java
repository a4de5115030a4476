package io.messageconsumer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/**
 * A Zipkin server ({@code io.zipkin:zipkin-server:exec}, in-memory storage) on a free port of
 * 127.0.0.1, run as {@code java -jar}: the jar Maven copies into {@code target/zipkin} before the
 * tests, its path in the system property {@code zipkin.server.jar} (pom.xml, surefire).
 */
public final class ZipkinServerProcess extends LocalProcess {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

	private ZipkinServerProcess(Process process, int port, Path log) {
		super(process, port, log);
	}

	/**
	 * Start the server and wait until its health answers {@code UP}.
	 * @return the running server
	 */
	public static ZipkinServerProcess start() {
		String jar = System.getProperty("zipkin.server.jar");
		if (jar == null || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("No Zipkin server jar at zipkin.server.jar=" + jar
					+ ": run the tests through Maven, which copies it to target/zipkin (generate-test-resources)");
		}
		int port = freePort();
		try {
			Path log = Files.createTempFile("zipkin-server", ".log");
			List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
					"-jar", jar);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().put("QUERY_PORT", Integer.toString(port));
			builder.environment().put("STORAGE_TYPE", "mem");
			ZipkinServerProcess server = new ZipkinServerProcess(builder.start(), port, log);
			await().atMost(READY_TIMEOUT)
				.pollInterval(Duration.ofMillis(500))
				.failFast(() -> !server.process.isAlive())
				.until(() -> Http.get(port, "/health").status() == 200);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the Zipkin server", ex);
		}
	}

	/**
	 * Where a client reports spans, for {@code management.tracing.export.zipkin.endpoint}.
	 * @return the URL of {@code /api/v2/spans}
	 */
	public String spansEndpoint() {
		return "http://127.0.0.1:" + port() + "/api/v2/spans";
	}

	/**
	 * The spans of one trace.
	 * @param traceId 32 hex digits
	 * @return the spans, empty while Zipkin has none
	 */
	public List<JsonNode> trace(String traceId) {
		Http.Response response = Http.get(port(), "/api/v2/trace/" + traceId);
		return (response.status() == 200) ? List.copyOf(response.json().values()) : List.of();
	}

	/**
	 * The spans, of any trace, that have a tag of that value.
	 * @param tag the tag name
	 * @param value its value
	 * @return the spans, empty while Zipkin has none
	 */
	public List<JsonNode> spansTagged(String tag, String value) {
		Http.Response response = Http.get(port(), "/api/v2/traces?limit=10&annotationQuery=" + tag + "%3D" + value);
		if (response.status() != 200) {
			return List.of();
		}
		return response.json().values().stream().flatMap((trace) -> trace.values().stream()).toList();
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

}
