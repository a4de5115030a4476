package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.processing.RecordingListener;
import io.messageconsumer.support.TestHandler;

import static io.messageconsumer.processing.RecordingListener.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the batch path of {@link Lane}: what waits for a {@link BatchMessageHandler} goes
 * over in one call, in arrival order, and each message still gets its own outcome.
 */
class LaneBatchTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final BatchRecorder batches = new BatchRecorder();

	/** A plain handler that only records where it ran among the batches. */
	private final TestHandler<Item> singles = new TestHandler<>("single", Item.class, (message, context) -> {
		this.batches.order.add(message.id());
		return HandlerResult.PROCESSED;
	});

	private final RecordingListener listener = new RecordingListener();

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.batches, this.singles)
		.listeners(this.listener)
		.retry(3, Duration.ofMillis(10))
		.maxBytes(4096)
		.build();

	private final Lane lane = new Lane("batch-test", 100, this.pipeline.stages(), new AtomicInteger());

	@AfterEach
	void stopLane() throws InterruptedException {
		this.batches.release.countDown();
		this.lane.close();
		this.lane.abort();
		this.lane.awaitWorker(WAIT.toMillis());
		this.pipeline.close();
	}

	@Test
	void handsWhatWaitsOverInOneCallInArrivalOrderWithAnOutcomeEach() {
		List<InboundMessage> messages = List.of(offer("batch", "b1"), offer("batch", "b2"), offer("batch", "b3"),
				offer("batch", "b4"), offer("batch", "b5"));
		this.batches.duplicates.add("b4");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 5);
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b2", "b3", "b4", "b5"));
		assertThat(messages).extracting((message) -> this.listener.outcomeOf(message).outcome())
			.containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.PROCESSED, Outcome.DUPLICATE,
					Outcome.PROCESSED);
	}

	@Test
	void aMessageOfAnotherHandlerEndsTheBatchAndKeepsItsPlace() {
		offer("batch", "b1");
		offer("batch", "b2");
		offer("single", "s1");
		offer("batch", "b3");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 4);
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b2"), List.of("b3"));
		assertThat(this.batches.order).containsExactly("b1", "b2", "s1", "b3");
	}

	@Test
	void takesNoMoreThanTheBatchSize() {
		this.batches.maxBatchSize = 2;
		for (int i = 1; i <= 5; i++) {
			offer("batch", "b" + i);
		}
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 5);
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b2"), List.of("b3", "b4"), List.of("b5"));
	}

	@Test
	void aFailedBatchRetriesEachMessageOnItsOwn() {
		List<InboundMessage> messages = List.of(offer("batch", "b1"), offer("batch", "b2"), offer("batch", "b3"));
		this.batches.failCalls.set(1);
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 3);
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b2", "b3"), List.of("b1"), List.of("b2"),
				List.of("b3"));
		assertThat(messages).allSatisfy((message) -> {
			assertThat(this.listener.outcomeOf(message).outcome()).isEqualTo(Outcome.PROCESSED);
			assertThat(this.listener.outcomeOf(message).attempts()).isEqualTo(2);
		});
	}

	@Test
	void aPayloadThatDoesNotBindIsRejectedAloneAndTheRestOfTheBatchRuns() {
		InboundMessage good = offer("batch", "b1");
		InboundMessage bad = offer("batch", "");
		InboundMessage alsoGood = offer("batch", "b3");
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 3);
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b3"));
		assertThat(this.listener.outcomeOf(good).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(alsoGood).outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(bad).reason()).isEqualTo(DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void aWrongNumberOfResultsFailsTheBatch() {
		InboundMessage message = offer("batch", "b1");
		offer("batch", "b2");
		this.batches.dropOneResult.set(true);
		this.lane.start();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 2);
		// The batch of two failed; the retries ran alone and returned one result each.
		assertThat(this.batches.calls).containsExactly(List.of("b1", "b2"), List.of("b1"), List.of("b2"));
		assertThat(this.listener.outcomeOf(message).attempts()).isEqualTo(2);
	}

	@Test
	void aStuckBatchIsAbandonedWholeAndANewWorkerGoesOn() throws InterruptedException {
		this.batches.stuck.set(true);
		List<InboundMessage> stuck = List.of(offer("batch", "b1"), offer("batch", "b2"));
		this.lane.start();
		await().atMost(WAIT).until(() -> this.batches.calls.size() == 1);
		InboundMessage next = offer("single", "s1");
		long threshold = TimeUnit.MILLISECONDS.toNanos(100);
		await().atMost(WAIT).until(() -> {
			this.lane.abandonIfStuck(threshold, System.nanoTime());
			return this.listener.outcomes().size() >= 2;
		});
		assertThat(stuck).allSatisfy((message) -> {
			assertThat(this.listener.outcomeOf(message).outcome()).isEqualTo(Outcome.FAILED);
			assertThat(this.listener.outcomeOf(message).detail()).contains("did not finish within 100 ms");
		});
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(next).size() == 1);
		assertThat(this.listener.outcomeOf(next).outcome()).isEqualTo(Outcome.PROCESSED);
		// The stuck call returning late changes nothing: one outcome each.
		this.batches.release.countDown();
		this.batches.stuckThread.join(WAIT.toMillis());
		assertThat(stuck).allSatisfy((message) -> assertThat(this.listener.outcomesOf(message)).hasSize(1));
	}

	private InboundMessage offer(String type, String id) {
		InboundMessage message = message("{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}");
		Delivery delivery = this.pipeline.stages().admit(message, null);
		assertThat(delivery).isNotNull();
		assertThat(this.lane.offer(delivery, 0)).isTrue();
		return message;
	}

	/**
	 * The payload of both test types.
	 * @param id the message id, not blank
	 */
	record Item(@NotBlank String id) {
	}

	/** Records each call's ids; can fail calls, answer duplicates, or return a result short. */
	final class BatchRecorder extends TestHandler<Item> implements BatchMessageHandler<Item> {

		final List<List<String>> calls = new CopyOnWriteArrayList<>();

		final Set<String> duplicates = ConcurrentHashMap.newKeySet();

		final AtomicInteger failCalls = new AtomicInteger();

		final AtomicBoolean dropOneResult = new AtomicBoolean();

		final List<String> order = new CopyOnWriteArrayList<>();

		volatile int maxBatchSize = 256;

		final AtomicBoolean stuck = new AtomicBoolean();

		final CountDownLatch release = new CountDownLatch(1);

		volatile Thread stuckThread;

		BatchRecorder() {
			super("batch", Item.class);
		}

		/** A retry runs on its own, through {@link #handleAll}. */
		@Override
		public HandlerResult handle(Item message, MessageContext context) throws Exception {
			return BatchMessageHandler.super.handle(message, context);
		}

		@Override
		public int maxBatchSize() {
			return this.maxBatchSize;
		}

		@Override
		public List<HandlerResult> handleAll(List<Item> messages, List<MessageContext> contexts) {
			List<String> ids = messages.stream().map(Item::id).toList();
			this.calls.add(ids);
			this.order.addAll(ids);
			if (this.stuck.getAndSet(false)) {
				this.stuckThread = Thread.currentThread();
				awaitReleaseIgnoringInterrupts();
			}
			if (this.failCalls.getAndDecrement() > 0) {
				throw new IllegalStateException("batch fails");
			}
			List<HandlerResult> results = new ArrayList<>();
			for (String id : ids) {
				results.add(this.duplicates.contains(id) ? HandlerResult.DUPLICATE : HandlerResult.PROCESSED);
			}
			if (results.size() > 1 && this.dropOneResult.get()) {
				results.remove(0);
			}
			return results;
		}

	}

	private void awaitReleaseIgnoringInterrupts() {
		while (true) {
			try {
				this.batches.release.await();
				return;
			}
			catch (InterruptedException ex) {
				// a handler that ignores the interrupt: the lane must abandon it
			}
		}
	}

}
