package io.messageconsumer.processing.lanes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.Acknowledgement;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
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
 * Tests for {@link Lane}: retries aside, per-key order, abandoning a stuck worker, and shutdown.
 */
class LaneTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final Duration BACKOFF = Duration.ofMillis(300);

	private final ScriptedHandler handler = new ScriptedHandler();

	private final RecordingListener listener = new RecordingListener();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final List<ProcessorFixture> fixtures = new ArrayList<>();

	private ProcessorFixture pipeline = pipeline(new RetryBackOff(3, BACKOFF, 1.0, BACKOFF));

	private Lane lane;

	private MessageDispatcher dispatcher;

	@AfterEach
	void stopLane() throws InterruptedException {
		this.handler.release.countDown();
		if (this.dispatcher != null) {
			this.dispatcher.stop();
		}
		if (this.lane != null) {
			this.lane.close();
			this.lane.abort();
			this.lane.awaitWorker(WAIT.toMillis());
		}
		this.fixtures.forEach(ProcessorFixture::close);
	}

	@Test
	void retriesAFailedAttemptAfterItsBackoffWhileOtherKeysRun() {
		this.handler.failAttempts("a", 1);
		InboundMessage a = offer("a", "k-a");
		InboundMessage b = offer("b", "k-b");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 2);
		assertThat(this.handler.starts()).containsExactly("a#1", "b#1", "a#2");
		assertThat(this.handler.nanosBetween("a#1", "a#2")).isGreaterThanOrEqualTo(BACKOFF.toNanos());
		// b did not wait out a's backoff.
		assertThat(this.handler.nanosBetween("a#1", "b#1")).isLessThan(BACKOFF.toNanos());
		assertThat(this.listener.outcomeOf(a).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(a).attempts()).isEqualTo(2);
		assertThat(this.listener.outcomeOf(b).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(b).attempts()).isEqualTo(1);
	}

	@Test
	void settlesNothingWhileARetryIsPending() {
		this.handler.failAttempts("a", 1);
		InboundMessage a = offer("a", "k-a");
		InboundMessage b = offer("b", "k-b");
		this.lane.start();
		await().atMost(WAIT).until(() -> !this.listener.outcomesOf(b).isEmpty());
		if (!this.handler.starts().contains("a#2")) {
			assertThat(this.listener.outcomesOf(a)).isEmpty();
			assertThat(this.lane.isDrained()).isFalse();
			assertThat(this.lane.depth()).isEqualTo(1);
		}
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(a).size() == 1);
		assertThat(this.lane.depth()).isZero();
	}

	@Test
	void holdsMessagesOfTheSameKeyBehindARetryAndRunsThemInPublishOrder() {
		this.pipeline = pipeline(new RetryBackOff(3, Duration.ofMillis(100), 1.0, Duration.ofMillis(100)));
		this.handler.failAttempts("a1", 2);
		InboundMessage a1 = offer("a1", "k");
		InboundMessage a2 = offer("a2", "k");
		InboundMessage a3 = offer("a3", "k");
		InboundMessage x = offer("x", "other");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 4);
		assertThat(this.handler.starts()).containsExactly("a1#1", "x#1", "a1#2", "a1#3", "a2#1", "a3#1");
		assertThat(this.listener.outcomeOf(a1).attempts()).isEqualTo(3);
		assertThat(List.of(a1, a2, a3, x)).map(this.listener::outcomeOf)
			.extracting(Disposition::outcome)
			.containsOnly(Outcome.PROCESSED);
	}

	@Test
	void releasesHeldMessagesWhenTheRetriedMessageFinallyFails() {
		this.pipeline = pipeline(new RetryBackOff(2, Duration.ofMillis(100), 1.0, Duration.ofMillis(100)));
		this.handler.failAttempts("a1", Integer.MAX_VALUE);
		InboundMessage a1 = offer("a1", "k");
		InboundMessage a2 = offer("a2", "k");
		InboundMessage a3 = offer("a3", "k");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 3);
		assertThat(this.handler.starts()).containsExactly("a1#1", "a1#2", "a2#1", "a3#1");
		Disposition failed = this.listener.outcomeOf(a1);
		assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(failed.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
		assertThat(failed.attempts()).isEqualTo(2);
		assertThat(this.listener.outcomeOf(a2).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(a3).outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@Test
	void keepsOrderOfASecondFailureAmongReleasedMessages() {
		this.pipeline = pipeline(new RetryBackOff(2, Duration.ofMillis(100), 1.0, Duration.ofMillis(100)));
		this.handler.failAttempts("a1", 1);
		this.handler.failAttempts("a2", 1);
		offer("a1", "k");
		offer("a2", "k");
		offer("a3", "k");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 3);
		// a2 fails after being released: a3 waits behind a2's retry in turn.
		assertThat(this.handler.starts()).containsExactly("a1#1", "a1#2", "a2#1", "a2#2", "a3#1");
	}

	@Test
	void abandonsAWorkerStuckPastTheThresholdAndANewWorkerRunsTheNextMessages() throws InterruptedException {
		this.handler.stuck("s");
		InboundMessage s = offer("s", "k-s");
		InboundMessage n1 = offer("n1", "k-1");
		InboundMessage n2 = offer("n2", "k-2");
		long beforeStart = System.nanoTime();
		this.lane.start();
		await().atMost(WAIT).until(() -> this.handler.starts().contains("s#1"));
		long threshold = TimeUnit.MILLISECONDS.toNanos(300);
		this.lane.abandonIfStuck(threshold, System.nanoTime());
		assertThat(this.listener.outcomesOf(s)).as("abandoned before the threshold").isEmpty();

		await().atMost(WAIT).until(() -> {
			this.lane.abandonIfStuck(threshold, System.nanoTime());
			return !this.listener.outcomesOf(s).isEmpty();
		});
		assertThat(System.nanoTime() - beforeStart).isGreaterThanOrEqualTo(threshold);
		Disposition abandoned = this.listener.outcomeOf(s);
		assertThat(abandoned.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(abandoned.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
		assertThat(abandoned.detail()).contains("did not finish within 300 ms");
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 3);
		assertThat(this.listener.outcomeOf(n1).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(n2).outcome()).isEqualTo(Outcome.PROCESSED);
		Thread stuckThread = this.handler.threads.get("s#1");
		assertThat(this.handler.threads.get("n1#1")).isNotSameAs(stuckThread);
		assertThat(this.handler.threads.get("n1#1").getName()).isEqualTo("consumer-lane-test-2");
		await().atMost(WAIT).until(() -> this.handler.interrupted.contains("s"));

		// The stuck handler finishing late changes nothing: the message keeps its one outcome.
		this.handler.release.countDown();
		stuckThread.join(WAIT.toMillis());
		assertThat(stuckThread.isAlive()).isFalse();
		assertThat(this.listener.outcomesOf(s)).hasSize(1);
		assertThat(this.handler.starts()).containsExactly("s#1", "n1#1", "n2#1");
		assertThat(this.inFlight).hasValue(0);
	}

	@Test
	void abandoningAStuckRetryReleasesTheMessagesHeldBehindIt() {
		this.pipeline = pipeline(new RetryBackOff(3, Duration.ofMillis(50), 1.0, Duration.ofMillis(50)));
		this.handler.failAttempts("s", 1);
		this.handler.stuck("s");
		InboundMessage s = offer("s", "k");
		InboundMessage next = offer("next", "k");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.handler.starts().contains("s#2"));
		this.lane.abandonIfStuck(0, System.nanoTime());
		assertThat(this.listener.outcomeOf(s).outcome()).isEqualTo(Outcome.FAILED);
		assertThat(this.listener.outcomeOf(s).attempts()).isEqualTo(2);
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(next).size() == 1);
		assertThat(this.listener.outcomeOf(next).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.handler.starts()).containsExactly("s#1", "s#2", "next#1");
	}

	@Test
	void closingWithARetryPendingRunsTheRetryAndEndsTheWorker() {
		this.handler.failAttempts("a", 1);
		InboundMessage a = offer("a", "k-a");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.handler.starts().contains("a#1"));
		this.lane.close();
		assertThat(this.lane.isDrained()).isFalse();
		await().atMost(WAIT).until(this.lane::isDrained);
		assertThat(this.handler.starts()).containsExactly("a#1", "a#2");
		Disposition disposition = this.listener.outcomeOf(a);
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(disposition.attempts()).isEqualTo(2);
	}

	@Test
	void abortingWithARetryPendingHandsTheRetryToTheCallerOnce() {
		this.pipeline = pipeline(new RetryBackOff(3, Duration.ofSeconds(30), 1.0, Duration.ofSeconds(30)));
		this.handler.failAttempts("a", 1);
		InboundMessage a = offer("a", "k-a");
		InboundMessage held = offer("held", "k-a");
		InboundMessage c = offer("c", "k-c");
		this.lane.start();
		// c runs after a's first attempt has failed and its retry is scheduled.
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(c).size() == 1);
		assertThat(this.lane.depth()).isEqualTo(2);
		this.lane.close();
		List<Delivery> left = this.lane.abort();
		assertThat(left).extracting(Delivery::message).containsExactlyInAnyOrder(a, held);
		assertThat(left).filteredOn((delivery) -> delivery.message() == a)
			.singleElement()
			.extracting(Delivery::attempt)
			.isEqualTo(2);
		await().atMost(WAIT).until(this.lane::isDrained);
		// The lane settles nothing it handed over, and runs none of it.
		assertThat(this.listener.outcomesOf(a)).isEmpty();
		assertThat(this.listener.outcomesOf(held)).isEmpty();
		assertThat(this.handler.starts()).containsExactly("a#1", "c#1");
		assertThat(this.lane.abort()).isEmpty();
	}

	@Test
	void anAttemptFailingAfterTheLaneWasAbortedIsSettledAsShutdownNotRetried() {
		this.handler.failWhenInterrupted("a");
		InboundMessage a = offer("a", "k-a");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.handler.starts().contains("a#1"));
		this.lane.close();
		// a is running, so there is nothing to hand over; its attempt fails once interrupted.
		assertThat(this.lane.abort()).isEmpty();
		await().atMost(WAIT).until(this.lane::isDrained);
		Disposition disposition = this.listener.outcomeOf(a);
		assertThat(disposition.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
		assertThat(this.listener.outcomesOf(a)).hasSize(1);
		assertThat(this.handler.starts()).containsExactly("a#1");
	}

	@Test
	void anAttemptOfARedeliverableMessageFailingAfterTheLaneWasAbortedIsReleasedNotSettled() {
		this.handler.failWhenInterrupted("a");
		AtomicInteger released = new AtomicInteger();
		AtomicInteger acknowledged = new AtomicInteger();
		Acknowledgement acknowledgement = new Acknowledgement() {

			@Override
			public void acknowledge() {
				acknowledged.incrementAndGet();
			}

			@Override
			public void release() {
				released.incrementAndGet();
			}

		};
		InboundMessage a = offer(new InboundMessage(json("a", "k-a").getBytes(StandardCharsets.UTF_8), "stream", "jobs",
				"jobs", Instant.now(), acknowledgement));
		this.lane.start();
		await().atMost(WAIT).until(() -> this.handler.starts().contains("a#1"));
		this.lane.close();
		assertThat(this.lane.abort()).isEmpty();
		await().atMost(WAIT).until(this.lane::isDrained);
		// Its source delivers it again: no outcome here, neither failed nor shutdown.
		assertThat(this.listener.outcomesOf(a)).isEmpty();
		assertThat(released).hasValue(1);
		assertThat(acknowledged).hasValue(0);
		assertThat(this.handler.starts()).containsExactly("a#1");
	}

	@Test
	void anOfferWaitingForRoomGivesUpWhenTheLaneCloses() throws Exception {
		this.lane = new Lane("lane-test", 1, this.pipeline.stages(), this.inFlight);
		offer("a", "k-a");
		offer("b", "k-b");
		Delivery waiting = this.pipeline.stages().admit(message(json("c", "k-c")), null);
		CompletableFuture<Boolean> offered = CompletableFuture.supplyAsync(() -> this.lane.offer(waiting, Long.MAX_VALUE / 4));
		this.lane.close();
		assertThat(offered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
	}

	@Test
	void dispatcherStopDeadLettersAPendingRetryAsShutdownExactlyOnce() {
		this.pipeline = pipeline(new RetryBackOff(3, Duration.ofSeconds(30), 1.0, Duration.ofSeconds(30)));
		this.handler.failAttempts("a", 1);
		this.dispatcher = this.pipeline.dispatcher(new MessageDispatcher.Settings(1, 4,
				Duration.ZERO, Duration.ofMinutes(5), Duration.ofMillis(200)));
		MessageDispatcher dispatcher = this.dispatcher;
		dispatcher.start();
		InboundMessage a = message(json("a", "k-a"));
		dispatcher.dispatch(a);
		await().atMost(WAIT).until(() -> this.handler.starts().contains("a#1") && dispatcher.inFlight() == 0);
		dispatcher.stop();
		Disposition disposition = this.listener.outcomeOf(a);
		assertThat(disposition.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
		assertThat(this.handler.starts()).containsExactly("a#1");
	}

	private InboundMessage offer(String id, String key) {
		return offer(message(json(id, key)));
	}

	private InboundMessage offer(InboundMessage message) {
		if (this.lane == null) {
			this.lane = new Lane("lane-test", 10, this.pipeline.stages(), this.inFlight);
		}
		Delivery delivery = this.pipeline.stages().admit(message, null);
		assertThat(delivery).isNotNull();
		assertThat(this.lane.offer(delivery, 0)).isTrue();
		return message;
	}

	private ProcessorFixture pipeline(RetryBackOff retryBackOff) {
		ProcessorFixture fixture = ProcessorFixture.builder()
			.handlers(this.handler)
			.listeners(this.listener)
			.retry(retryBackOff)
			.maxBytes(4096)
			.build();
		this.fixtures.add(fixture);
		return fixture;
	}

	private static String json(String id, String key) {
		return "{\"type\":\"job\",\"id\":\"" + id + "\",\"key\":\"" + key + "\"}";
	}

	/**
	 * Records each attempt as {@code id#attempt}; fails the first attempts of some ids, and
	 * blocks others until {@link #release}, ignoring interrupts.
	 */
	static final class ScriptedHandler extends TestHandler<Object> {

		final CountDownLatch release = new CountDownLatch(1);

		final Map<String, Thread> threads = new ConcurrentHashMap<>();

		final List<String> interrupted = new CopyOnWriteArrayList<>();

		private final List<String> starts = new CopyOnWriteArrayList<>();

		private final Map<String, Long> times = new ConcurrentHashMap<>();

		private final Map<String, Integer> failures = new ConcurrentHashMap<>();

		private final List<String> stuck = new CopyOnWriteArrayList<>();

		private final List<String> failWhenInterrupted = new CopyOnWriteArrayList<>();

		ScriptedHandler() {
			super("job", Object.class, "key", null);
			this.behaviour = this::script;
		}

		void failAttempts(String id, int attempts) {
			this.failures.put(id, attempts);
		}

		void stuck(String id) {
			this.stuck.add(id);
		}

		void failWhenInterrupted(String id) {
			this.failWhenInterrupted.add(id);
		}

		List<String> starts() {
			return List.copyOf(this.starts);
		}

		long nanosBetween(String first, String second) {
			return this.times.get(second) - this.times.get(first);
		}

		private HandlerResult script(Object message, MessageContext context) {
			String attempt = context.id() + "#" + context.attempt();
			this.times.put(attempt, System.nanoTime());
			this.threads.put(attempt, Thread.currentThread());
			this.starts.add(attempt);
			if (context.attempt() <= this.failures.getOrDefault(context.id(), 0)) {
				throw new IllegalStateException("attempt " + attempt + " fails");
			}
			if (this.failWhenInterrupted.contains(context.id())) {
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					// The interrupt is consumed: the pipeline sees a plain failure it would retry.
					throw new IllegalStateException("attempt " + attempt + " interrupted", ex);
				}
			}
			if (this.stuck.contains(context.id())) {
				awaitReleaseIgnoringInterrupts(context.id());
			}
			return HandlerResult.PROCESSED;
		}

		private void awaitReleaseIgnoringInterrupts(String id) {
			while (true) {
				try {
					this.release.await();
					return;
				}
				catch (InterruptedException ex) {
					this.times.putIfAbsent("abandoned", System.nanoTime());
					this.interrupted.add(id);
				}
			}
		}

	}

}
