package io.messageconsumer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time, peak resident memory and peak thread count of a child process, from {@code /proc}.
 * A sampler thread records the highest thread count seen.
 */
final class ProcessStats implements AutoCloseable {

	/** Linux clock ticks per second for {@code /proc/<pid>/stat} times. */
	private static final long TICKS_PER_SECOND = 100;

	private final long pid;

	private final Thread sampler;

	private volatile int peakThreads;

	private volatile boolean running = true;

	ProcessStats(long pid) {
		this.pid = pid;
		this.sampler = new Thread(this::sample, "process-sampler-" + pid);
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	private void sample() {
		while (this.running) {
			int threads = (int) statusField("Threads:");
			if (threads > this.peakThreads) {
				this.peakThreads = threads;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/** User plus system CPU time so far, in microseconds (10 ms resolution). */
	long cpuMicros() {
		return cpuMicros(Path.of("/proc", Long.toString(this.pid), "stat"));
	}

	/**
	 * CPU time so far of the JVM's JIT compiler threads ({@code C1/C2 CompilerThread}), in
	 * microseconds: what the process still spends compiling rather than consuming.
	 */
	long compilerCpuMicros() {
		long total = 0;
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(this.pid), "task"))) {
			for (Path task : tasks.toList()) {
				String name = Files.readString(task.resolve("comm"));
				if (name.contains("CompilerThre")) {
					total += Math.max(0, cpuMicros(task.resolve("stat")));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the process or a thread is gone
		}
		return total;
	}

	private static long cpuMicros(Path stat) {
		try {
			String text = Files.readString(stat);
			// Fields after the command name, which is in parentheses and may hold spaces.
			String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1_000_000 / TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Peak resident set size so far (VmHWM), in MiB. */
	long peakRssMiB() {
		return statusField("VmHWM:") / 1024;
	}

	int peakThreads() {
		return this.peakThreads;
	}

	private long statusField(String name) {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(this.pid), "status"));
			for (String line : lines) {
				if (line.startsWith(name)) {
					return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the process is gone
		}
		return 0;
	}

	@Override
	public void close() {
		this.running = false;
		this.sampler.interrupt();
	}

}
