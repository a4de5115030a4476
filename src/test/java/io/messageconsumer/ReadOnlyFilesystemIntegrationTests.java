package io.messageconsumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as the container runs it, as far as this machine allows without a Docker engine: a
 * separate JVM as a non-root user (nobody, 65534, through {@code setpriv}; root would ignore file
 * permissions), with the JVM flags of the Dockerfile's own {@code ENTRYPOINT} (only
 * {@code java.io.tmpdir} moved from {@code /tmp} to a directory of the test), a separate management port, the packaged
 * configuration, and as working directory a copy of its class path that it cannot write, like
 * {@code /app}. It must become ready and consume an order, and write nothing except in its temp
 * directory: the working directory is unchanged, and no file of that user appears in
 * {@code /tmp}, {@code /var/tmp} or {@code /dev/shm}, the places a non-root user can write here.
 * The container's {@code HEALTHCHECK} (docker/HealthProbe.java, compiled) runs the same way, with
 * the JVM flags of the Dockerfile's {@code HEALTHCHECK} command, and answers 0 against the
 * service, 1 against a closed port.
 */
@OwnRedisServer
class ReadOnlyFilesystemIntegrationTests {

	private static final int NOBODY = 65534;

	private static final List<Path> WORLD_WRITABLE = List.of(Path.of("/tmp"), Path.of("/var/tmp"),
			Path.of("/dev/shm"));

	private static RedisServerProcess redisServer;

	@TempDir
	private Path root;

	private Process service;

	@AfterEach
	void stopService() {
		if (this.service != null) {
			this.service.destroyForcibly();
		}
	}

	@Test
	void runsAsNonRootWritingOnlyItsTempDirectory() throws Exception {
		Path app = Files.createDirectory(this.root.resolve("app"));
		Path tmp = Files.createDirectory(this.root.resolve("tmp"));
		String classPath = copyClassPath(app);
		Path probe = Files.createDirectory(app.resolve("probe"));
		assertThat(ToolProvider.getSystemJavaCompiler()
			.run(null, null, null, "-d", probe.toString(), Path.of("docker", "HealthProbe.java").toString()))
			.isZero();
		makeReadOnlyForOthers(app);
		Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThat(runAsNobody(app, "touch", app.resolve("written").toString())).as("app is read-only for nobody")
			.isNotZero();
		assertThat(runAsNobody(app, "touch", tmp.resolve("written").toString())).as("tmp is writable").isZero();
		Files.delete(tmp.resolve("written"));
		Map<String, String> appBefore = snapshot(app);
		Set<Path> nobodysBefore = filesOwnedByNobody(tmp);

		int port = freePort();
		int managementPort = freePort();
		List<String> jvmFlags = dockerfileJvmFlags("ENTRYPOINT");
		assertThat(jvmFlags).contains("-Djava.io.tmpdir=/tmp", "-XX:-UsePerfData");
		List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
				"--clear-groups", "--", ProcessHandle.current().info().command().orElse("java")));
		command.addAll(withTmpDir(jvmFlags, tmp));
		// After the Dockerfile's -XX:MaxRAMPercentage: half of this machine's memory would be too much.
		command.add("-Xmx256m");
		command.addAll(List.of("-cp", classPath, ConsumerApplication.class.getName(), "--server.port=" + port,
				"--management.server.port=" + managementPort, "--spring.data.redis.url=" + redisServer.url(),
				"--spring.config.location=classpath:/application.yml"));
		ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.root.resolve("service.log").toFile());
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		long started = System.nanoTime();
		this.service = builder.start();

		await().atMost(Duration.ofSeconds(90)).until(() -> !this.service.isAlive()
				|| "UP".equals(Http.get(managementPort, "/actuator/health/readiness").healthStatus()));
		assertThat(this.service.isAlive()).as(log()).isTrue();
		long readyMillis = (System.nanoTime() - started) / 1_000_000;
		assertThat(Files.readString(Path.of("/proc", String.valueOf(this.service.pid()), "status")))
			.containsPattern("(?m)^Uid:\\s+" + NOBODY + "\\s+" + NOBODY);

		String id = "read-only-" + UUID.randomUUID();
		redisServer.cli("PUBLISH", "orders", "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1}");
		await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(redisServer.cli("EXISTS", "orders:" + id)));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Http.get(managementPort, "/actuator/consumer").json().path("totals").path("processed")
				.asLong() == 1);
		assertThat(runHealthProbe(app, tmp, managementPort)).as("HEALTHCHECK against the service").isZero();
		assertThat(runHealthProbe(app, tmp, freePort())).as("HEALTHCHECK against a closed port").isOne();
		try (Stream<Path> written = Files.list(tmp)) {
			assertThat(written.map((path) -> path.getFileName().toString()))
				.as("Tomcat's directories, in the temp directory")
				.anyMatch((name) -> name.startsWith("tomcat"));
		}

		long tmpEntriesWhileRunning = countFiles(tmp);
		this.service.destroy();
		assertThat(this.service.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(this.service.exitValue()).as(log()).isIn(0, 143);
		assertThat(log()).doesNotContain("Read-only file system", "Permission denied", "AccessDeniedException");
		assertThat(snapshot(app)).as("working directory and class path unchanged").isEqualTo(appBefore);
		Set<Path> nobodysAfter = filesOwnedByNobody(tmp);
		nobodysAfter.removeAll(nobodysBefore);
		assertThat(nobodysAfter).as("files written outside the temp directory").isEmpty();
		System.out.printf("Read-only run as uid %d: ready after %d ms, 1 order processed, %d entries in its temp"
				+ " directory while running, %d after exit%n", NOBODY, readyMillis, tmpEntriesWhileRunning, countFiles(tmp));
	}

	/**
	 * The Dockerfile's {@code HEALTHCHECK} command, as nobody, with the JVM flags of that command.
	 */
	private static int runHealthProbe(Path app, Path tmp, int managementPort) throws Exception {
		List<String> jvmFlags = dockerfileJvmFlags("HEALTHCHECK");
		assertThat(jvmFlags).contains("-XX:-UsePerfData", "-Xmx16m");
		List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
				"--clear-groups", "--", ProcessHandle.current().info().command().orElse("java")));
		command.addAll(withTmpDir(jvmFlags, tmp));
		command.addAll(List.of("-cp", app.resolve("probe").toString(), "HealthProbe"));
		ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true);
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		builder.environment().put("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort));
		Process process = builder.start();
		process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
		return process.waitFor();
	}

	/**
	 * The JVM flags of the Dockerfile's exec-form {@code ENTRYPOINT} or {@code HEALTHCHECK ... CMD}:
	 * the arguments after {@code java} that start with {@code -}, up to the class path, the jar or
	 * the main class. The AOT cache's flag is left out: the cache is the image's, made by its JDK 25
	 * in the build, and this test runs the build's JVM on the test's class path.
	 */
	private static List<String> dockerfileJvmFlags(String instruction) throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\r?\n", " ");
		String line = dockerfile.lines()
			.filter((candidate) -> candidate.startsWith(instruction + " "))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No " + instruction + " in the Dockerfile"));
		Matcher arguments = Pattern.compile("\"([^\"]*)\"").matcher(line.substring(line.indexOf('[')));
		List<String> flags = new ArrayList<>();
		assertThat(arguments.find()).isTrue();
		assertThat(arguments.group(1)).as(line).isEqualTo("java");
		while (arguments.find() && arguments.group(1).startsWith("-") && !arguments.group(1).equals("-cp")
				&& !arguments.group(1).equals("-jar")) {
			if (!arguments.group(1).startsWith("-XX:AOTCache=")) {
				flags.add(arguments.group(1));
			}
		}
		return flags;
	}

	/** The flags with {@code java.io.tmpdir} moved from {@code /tmp} to the test's directory. */
	private static List<String> withTmpDir(List<String> flags, Path tmp) {
		return flags.stream()
			.map((flag) -> flag.equals("-Djava.io.tmpdir=/tmp") ? "-Djava.io.tmpdir=" + tmp : flag)
			.toList();
	}

	/**
	 * Copy each class path entry into {@code app} (the originals live under {@code /root}, which
	 * nobody cannot read).
	 */
	private static String copyClassPath(Path app) throws IOException {
		List<String> entries = new ArrayList<>();
		int index = 0;
		for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
			Path source = Path.of(entry);
			if (!Files.exists(source)) {
				continue;
			}
			Path target = app.resolve((index++) + "-" + source.getFileName());
			if (Files.isDirectory(source)) {
				copyTree(source, target);
			}
			else {
				Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
			}
			entries.add(target.toString());
		}
		return String.join(java.io.File.pathSeparator, entries);
	}

	private static void makeReadOnlyForOthers(Path app) throws IOException {
		try (Stream<Path> paths = Files.walk(app)) {
			for (Path path : paths.toList()) {
				Files.setPosixFilePermissions(path,
						PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
	}

	private static void copyTree(Path source, Path target) throws IOException {
		try (Stream<Path> paths = Files.walk(source)) {
			for (Path path : paths.toList()) {
				Files.copy(path, target.resolve(source.relativize(path).toString()));
			}
		}
	}

	private static int runAsNobody(Path directory, String... command) throws Exception {
		List<String> line = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
				"--clear-groups", "--"));
		line.addAll(List.of(command));
		Process process = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true).start();
		process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
		return process.waitFor();
	}

	/** Every file and directory under {@code app}, with its size and modification time. */
	private static Map<String, String> snapshot(Path app) throws IOException {
		Map<String, String> files = new TreeMap<>();
		try (Stream<Path> paths = Files.walk(app)) {
			for (Path path : paths.toList()) {
				BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
						LinkOption.NOFOLLOW_LINKS);
				files.put(app.relativize(path).toString(), attributes.size() + " " + attributes.lastModifiedTime());
			}
		}
		return files;
	}

	/** The paths owned by nobody in the world-writable places, except under {@code allowed}. */
	private static Set<Path> filesOwnedByNobody(Path allowed) throws IOException {
		Set<Path> owned = new HashSet<>();
		for (Path top : WORLD_WRITABLE) {
			Files.walkFileTree(top, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
					if (dir.startsWith(allowed)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					collect(dir);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					collect(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					// Other processes create and delete temp files while we look.
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) {
					// A directory that could not be listed to the end: another process's (a chroot
					// under /var/tmp with /proc mounted in it, seen once: /proc/1/map_files).
					return FileVisitResult.CONTINUE;
				}

				private void collect(Path path) {
					try {
						if ((int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == NOBODY) {
							owned.add(path);
						}
					}
					catch (IOException ex) {
						// Gone already.
					}
				}

			});
		}
		return owned;
	}

	private static long countFiles(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			return paths.count() - 1;
		}
	}

	private String log() {
		try {
			return Files.readString(this.root.resolve("service.log"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
