package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.processing.RecordingListener;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.support.TestHandler;

import static io.messageconsumer.processing.RecordingListener.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a {@link Lane} running a non-blocking handler's message on the thread that hands it
 * over while the lane is idle ({@link LaneTurn}): what runs where, and that the lane still runs
 * one message at a time, in order, with retries on its worker.
 */
class LaneInlineTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final Duration BACKOFF = Duration.ofMillis(50);

	private final Recording nonBlocking = new Recording("quick", true);

	private final Recording blocking = new Recording("slow", false);

	private final RecordingListener listener = new RecordingListener();

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.nonBlocking, this.blocking)
		.listeners(this.listener)
		.retry(new RetryBackOff(3, BACKOFF, 1.0, BACKOFF))
		.maxBytes(4096)
		.build();

	private final Lane lane = new Lane("lane-test", 10, this.pipeline.stages(), new AtomicInteger());

	@AfterEach
	void stopLane() throws InterruptedException {
		this.nonBlocking.release.countDown();
		this.blocking.release.countDown();
		this.lane.close();
		this.lane.abort();
		this.lane.awaitWorker(WAIT.toMillis());
		this.pipeline.close();
	}

	@Test
	void runsANonBlockingHandlersMessageOnTheHandingThreadWhenTheLaneIsIdle() {
		this.lane.start();
		InboundMessage a = offer("quick", "a", "k");
		// Settled before the offer returned, on this thread.
		assertThat(this.listener.outcomeOf(a).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.nonBlocking.threads.get("a#1")).isSameAs(Thread.currentThread());
		assertThat(this.lane.isDrained()).isFalse(); // the worker is still there
		assertThat(this.lane.depth()).isZero();
	}

	@Test
	void leavesABlockingHandlersMessageToTheWorker() {
		this.lane.start();
		this.blocking.release.countDown();
		InboundMessage a = offer("slow", "a", "k");
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(a).size() == 1);
		assertThat(this.blocking.threads.get("a#1")).isNotSameAs(Thread.currentThread());
	}

	@Test
	void queuesANonBlockingHandlersMessageBehindWorkOfTheLane() {
		this.lane.start();
		offer("slow", "a", "k");
		await().atMost(WAIT).until(() -> this.blocking.threads.containsKey("a#1"));
		InboundMessage b = offer("quick", "b", "k");
		assertThat(this.listener.outcomesOf(b)).isEmpty();
		this.blocking.release.countDown();
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(b).size() == 1);
		assertThat(this.nonBlocking.threads.get("b#1")).isSameAs(this.blocking.threads.get("a#1"));
	}

	@Test
	void retriesAFailedInlineAttemptOnTheWorkerAfterItsBackoff() {
		this.lane.start();
		this.nonBlocking.failFirst.add("a");
		InboundMessage a = offer("quick", "a", "k");
		assertThat(this.listener.outcomesOf(a)).isEmpty();
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(a).size() == 1);
		assertThat(this.listener.outcomeOf(a).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(a).attempts()).isEqualTo(2);
		assertThat(this.nonBlocking.threads.get("a#1")).isSameAs(Thread.currentThread());
		assertThat(this.nonBlocking.threads.get("a#2")).isNotSameAs(Thread.currentThread());
		assertThat(this.nonBlocking.nanosBetween("a#1", "a#2")).isGreaterThanOrEqualTo(BACKOFF.toNanos());
	}

	@Test
	void aWorkerWaitsForTheMessageRunningOnAHandingThreadSoTheLaneRunsOneAtATime() throws Exception {
		this.lane.start();
		this.nonBlocking.holdFirst.add("a");
		Thread source = new Thread(() -> offer("quick", "a", "k"));
		source.start();
		await().atMost(WAIT).until(() -> this.nonBlocking.threads.containsKey("a#1"));
		// Another source hands over a message of the same key while a runs: it is queued for the worker.
		InboundMessage b = offer("quick", "b", "k");
		Thread.sleep(200);
		assertThat(this.nonBlocking.starts).containsExactly("a#1");
		this.nonBlocking.release.countDown();
		source.join(WAIT.toMillis());
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(b).size() == 1);
		assertThat(this.nonBlocking.starts).containsExactly("a#1", "b#1");
		assertThat(this.nonBlocking.threads.get("a#1")).isSameAs(source);
		assertThat(this.nonBlocking.threads.get("b#1")).isNotIn(source, Thread.currentThread());
	}

	private InboundMessage offer(String type, String id, String key) {
		InboundMessage message = message("{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"key\":\"" + key + "\"}");
		Delivery delivery = this.pipeline.stages().admit(message, null);
		assertThat(delivery).isNotNull();
		assertThat(this.lane.offer(delivery, 0)).isTrue();
		return message;
	}

	/** Records each attempt's thread and time; fails or holds the first attempt of some ids. */
	static final class Recording extends TestHandler<Object> {

		final CountDownLatch release = new CountDownLatch(1);

		final Map<String, Thread> threads = new ConcurrentHashMap<>();

		final List<String> starts = new CopyOnWriteArrayList<>();

		final List<String> failFirst = new CopyOnWriteArrayList<>();

		final List<String> holdFirst = new CopyOnWriteArrayList<>();

		private final Map<String, Long> times = new ConcurrentHashMap<>();

		private final boolean nonBlocking;

		Recording(String type, boolean nonBlocking) {
			super(type, Object.class, "key", null);
			this.nonBlocking = nonBlocking;
			this.behaviour = this::script;
		}

		@Override
		public boolean isNonBlocking() {
			return this.nonBlocking;
		}

		long nanosBetween(String first, String second) {
			return this.times.get(second) - this.times.get(first);
		}

		private HandlerResult script(Object message, MessageContext context) throws InterruptedException {
			String attempt = context.id() + "#" + context.attempt();
			this.times.put(attempt, System.nanoTime());
			this.threads.put(attempt, Thread.currentThread());
			this.starts.add(attempt);
			if (context.attempt() == 1 && this.failFirst.contains(context.id())) {
				throw new IllegalStateException("attempt " + attempt + " fails");
			}
			if (!this.nonBlocking || (context.attempt() == 1 && this.holdFirst.contains(context.id()))) {
				this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			return HandlerResult.PROCESSED;
		}

	}

}
