package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs each {@link StreamReader} on a thread of its own: started once the pipeline is warmed up
 * (on a starter thread, so start-up does not wait for it), and stopped within the block time,
 * after which a reader still waiting for room in a lane is interrupted.
 */
final class ReaderThreads {

	private final List<StreamReader> readers;

	private final Duration block;

	private List<Thread> threads = List.of();

	private boolean stopped;

	ReaderThreads(List<StreamReader> readers, Duration block) {
		this.readers = readers;
		this.block = block;
	}

	/**
	 * Warm up, then start the readers, unless they were stopped meanwhile.
	 * @param warmUp run before the first read
	 */
	void start(Runnable warmUp) {
		Thread starter = new Thread(() -> {
			warmUp.run();
			synchronized (this) {
				if (this.stopped) {
					return;
				}
				List<Thread> started = new ArrayList<>();
				for (StreamReader reader : this.readers) {
					Thread thread = new Thread(reader, "consumer-stream-" + reader.name());
					thread.start();
					started.add(thread);
				}
				this.threads = List.copyOf(started);
			}
		}, "consumer-stream-starter");
		starter.start();
	}

	/** Stop the readers and wait for their threads. */
	void stop() {
		List<Thread> current;
		synchronized (this) {
			this.stopped = true;
			current = this.threads;
		}
		this.readers.forEach(StreamReader::stop);
		// A read in progress returns within the block time; a reader waiting for room in a lane is interrupted.
		long deadline = System.nanoTime() + this.block.plusSeconds(1).toNanos();
		for (Thread thread : current) {
			join(thread, deadline);
		}
		current.forEach(Thread::interrupt);
		for (Thread thread : current) {
			join(thread, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
		}
	}

	private static void join(Thread thread, long deadlineNanos) {
		try {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
