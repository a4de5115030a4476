package io.messageconsumer.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The batch writer thread: batches in queue order, a failed batch retried until it is written,
 * a small batch gathered for the linger and written at once on stop, and what cannot be written
 * at stop handed to the give-up callback.
 */
class BatchWriterThreadTests {

	@Test
	void retriesAFailedBatchUntilItIsWrittenInQueueOrder() {
		LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
		List<Integer> written = new CopyOnWriteArrayList<>();
		AtomicInteger failuresLeft = new AtomicInteger(2);
		BatchWriterThread<Integer> thread = new BatchWriterThread<>("test-writer", queue, 3, (batch) -> {
			assertThat(batch).hasSizeLessThanOrEqualTo(3);
			if (failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("Redis away");
			}
			written.addAll(batch);
		}, (left, cause) -> {
			throw new AssertionError("nothing should be given up");
		});
		for (int i = 1; i <= 7; i++) {
			queue.add(i);
		}
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 7);
		thread.stop(Duration.ofSeconds(5));
		assertThat(written).containsExactly(1, 2, 3, 4, 5, 6, 7);
		assertThat(thread.isRunning()).isFalse();
	}

	@Test
	void gathersItemsArrivingWithinTheLingerIntoOneBatch() {
		LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
		List<List<Integer>> batches = new CopyOnWriteArrayList<>();
		BatchWriterThread<Integer> thread = new BatchWriterThread<>("test-writer", queue, 10, Duration.ofMillis(500),
				(batch) -> batches.add(List.copyOf(batch)), (left, cause) -> {
					throw new AssertionError("nothing should be given up");
				});
		thread.start();
		queue.add(1);
		await().atMost(Duration.ofSeconds(5)).until(queue::isEmpty); // the writer took the first and lingers
		queue.add(2);
		queue.add(3);
		await().atMost(Duration.ofSeconds(5)).until(() -> !batches.isEmpty());
		thread.stop(Duration.ofSeconds(5));
		assertThat(batches).containsExactly(List.of(1, 2, 3));
	}

	@Test
	void writesWhatLingersAtOnceOnStop() {
		LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
		List<Integer> written = new CopyOnWriteArrayList<>();
		BatchWriterThread<Integer> thread = new BatchWriterThread<>("test-writer", queue, 10, Duration.ofMinutes(1),
				written::addAll, (left, cause) -> {
					throw new AssertionError("nothing should be given up");
				});
		thread.start();
		queue.add(1);
		await().atMost(Duration.ofSeconds(5)).until(queue::isEmpty);
		queue.add(2);
		long started = System.nanoTime();
		thread.stop(Duration.ofSeconds(10));
		assertThat(written).containsExactly(1, 2);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(thread.isRunning()).isFalse();
	}

	@Test
	void handsWhatCannotBeWrittenAtStopToTheGiveUpCallback() {
		LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
		List<Integer> abandoned = new CopyOnWriteArrayList<>();
		AtomicInteger attempts = new AtomicInteger();
		BatchWriterThread<Integer> thread = new BatchWriterThread<>("test-writer", queue, 2, (batch) -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("Redis gone");
		}, (left, cause) -> abandoned.addAll(left));
		thread.start();
		for (int i = 1; i <= 5; i++) {
			queue.add(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 1);
		thread.stop(Duration.ofSeconds(10));
		assertThat(abandoned).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
	}

}
