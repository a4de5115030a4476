package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.processing.RecordingListener;
import io.messageconsumer.support.TestHandler;

import static io.messageconsumer.processing.RecordingListener.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MessageDispatcherTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final BlockingHandler handler = new BlockingHandler();

	private final RecordingListener listener = new RecordingListener();

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.handler)
		.listeners(this.listener)
		.maxBytes(4096)
		.build();

	private final List<MessageDispatcher> dispatchers = new ArrayList<>();

	@AfterEach
	void stopDispatchers() {
		this.handler.release.countDown();
		this.dispatchers.forEach(MessageDispatcher::stop);
		this.pipeline.close();
	}

	@Test
	void blockPolicyWaitsForRoomBeforeOverflowing() {
		MessageDispatcher dispatcher = this.pipeline.dispatcher(
				new MessageDispatcher.Settings(1, 2, Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofSeconds(10)));
		this.dispatchers.add(dispatcher);
		dispatcher.start();
		dispatchUntilBufferIsFull(dispatcher);
		InboundMessage waited = message(json("m4"));
		long started = System.nanoTime();
		dispatcher.dispatch(waited);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(this.listener.outcomeOf(waited).reason()).isEqualTo(DeadLetterReason.OVERFLOW);

		InboundMessage admitted = message(json("m5"));
		CompletableFuture<Void> dispatching = CompletableFuture.runAsync(() -> dispatcher.dispatch(admitted));
		this.handler.release.countDown();
		await().atMost(WAIT).until(dispatching::isDone);
		await().atMost(WAIT).until(() -> this.listener.outcomesOf(admitted).size() == 1);
		assertThat(this.listener.outcomeOf(admitted).outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@Test
	void rejectsMessageBeyondCapacityAsOverflow() {
		MessageDispatcher dispatcher = started(1, 2, Duration.ofSeconds(10));
		List<InboundMessage> accepted = dispatchUntilBufferIsFull(dispatcher);
		InboundMessage fourth = message(json("m4"));
		dispatcher.dispatch(fourth);
		Disposition overflow = this.listener.outcomeOf(fourth);
		assertThat(overflow.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(overflow.reason()).isEqualTo(DeadLetterReason.OVERFLOW);
		assertThat(overflow.detail()).contains("consumer.queue-capacity=2");
		assertThat(accepted).allSatisfy((message) -> assertThat(this.listener.outcomesOf(message)).isEmpty());
		this.handler.release.countDown();
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() == 4);
		assertThat(accepted).map(this.listener::outcomeOf)
			.extracting(Disposition::outcome)
			.containsOnly(Outcome.PROCESSED);
		assertThat(this.handler.ids()).containsExactly("m1", "m2", "m3");
	}

	@Test
	void reportsQueueDepthAndInFlight() {
		MessageDispatcher dispatcher = started(1, 2, Duration.ofSeconds(10));
		assertThat(dispatcher.queueDepth()).isZero();
		assertThat(dispatcher.inFlight()).isZero();
		assertThat(dispatcher.lastMessageAt()).isNull();
		List<InboundMessage> accepted = dispatchUntilBufferIsFull(dispatcher);
		assertThat(dispatcher.queueDepth()).isEqualTo(2);
		assertThat(dispatcher.inFlight()).isEqualTo(1);
		assertThat(dispatcher.lastMessageAt()).isEqualTo(accepted.get(2).receivedAt());
		this.handler.release.countDown();
		await().atMost(WAIT).until(() -> dispatcher.queueDepth() == 0 && dispatcher.inFlight() == 0);
	}

	@Test
	void drainsBufferedMessagesOnStop() {
		MessageDispatcher dispatcher = started(1, 2, Duration.ofSeconds(30));
		List<InboundMessage> accepted = dispatchUntilBufferIsFull(dispatcher);
		CompletableFuture<Void> stopping = CompletableFuture.runAsync(dispatcher::stop);
		// While the buffer is full a new message is rejected as overflow until stop() begins, then as shutdown.
		List<InboundMessage> probes = new CopyOnWriteArrayList<>();
		await().atMost(WAIT).until(() -> {
			InboundMessage probe = message(json("probe-" + probes.size()));
			probes.add(probe);
			dispatcher.dispatch(probe);
			return this.listener.outcomeOf(probe).reason() == DeadLetterReason.SHUTDOWN;
		});
		assertThat(stopping).isNotDone();
		this.handler.release.countDown();
		await().atMost(WAIT).until(stopping::isDone);
		assertThat(dispatcher.isRunning()).isFalse();
		assertThat(accepted).map(this.listener::outcomeOf)
			.extracting(Disposition::outcome)
			.containsOnly(Outcome.PROCESSED);
		assertThat(probes).map(this.listener::outcomeOf)
			.extracting(Disposition::reason)
			.isSubsetOf(DeadLetterReason.OVERFLOW, DeadLetterReason.SHUTDOWN);
		assertThat(this.listener.outcomes()).hasSize(accepted.size() + probes.size());
	}

	@Test
	void rejectsLeftoversAsShutdownWhenTheDrainTimeoutRunsOut() {
		MessageDispatcher dispatcher = started(1, 2, Duration.ofMillis(50));
		List<InboundMessage> accepted = dispatchUntilBufferIsFull(dispatcher);
		dispatcher.stop();
		assertThat(dispatcher.isRunning()).isFalse();
		for (InboundMessage buffered : accepted.subList(1, 3)) {
			Disposition disposition = this.listener.outcomeOf(buffered);
			assertThat(disposition.outcome()).isEqualTo(Outcome.REJECTED);
			assertThat(disposition.reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
			assertThat(disposition.detail()).contains("drain timeout");
		}
		// The message in flight is interrupted; it still ends in exactly one outcome.
		await().atMost(WAIT).until(() -> !this.listener.outcomesOf(accepted.get(0)).isEmpty());
		assertThat(this.listener.outcomeOf(accepted.get(0)).outcome()).isEqualTo(Outcome.FAILED);
		assertThat(this.listener.outcomes()).hasSize(3);
		assertThat(this.handler.ids()).containsExactly("m1");
	}

	@Test
	void rejectsMessageReceivedAfterStopAsShutdown() {
		MessageDispatcher dispatcher = started(1, 2, Duration.ofSeconds(1));
		dispatcher.stop();
		InboundMessage late = message(json("late"));
		dispatcher.dispatch(late);
		assertThat(this.listener.outcomeOf(late).reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
		assertThat(this.listener.received()).containsExactly(late);
	}

	@Test
	void rejectsMessageReceivedBeforeStartAsShutdown() {
		MessageDispatcher dispatcher = dispatcher(1, 2, Duration.ofSeconds(1));
		InboundMessage early = message(json("early"));
		dispatcher.dispatch(early);
		assertThat(this.listener.outcomeOf(early).reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
	}

	@Test
	void stopWithoutStartAndRepeatedStopAreHarmless() {
		MessageDispatcher dispatcher = dispatcher(1, 2, Duration.ofSeconds(1));
		dispatcher.stop();
		dispatcher.start();
		assertThat(dispatcher.isRunning()).isTrue();
		dispatcher.stop();
		dispatcher.stop();
		assertThat(dispatcher.isRunning()).isFalse();
	}

	@Test
	void givesEveryMessageExactlyOneOutcomeUnderLoad() {
		this.handler.release.countDown();
		MessageDispatcher dispatcher = started(2, 8, Duration.ofSeconds(10));
		List<InboundMessage> messages = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			InboundMessage message = message((i % 10 == 0) ? "not json" : json("m" + i));
			messages.add(message);
			dispatcher.dispatch(message);
		}
		await().atMost(WAIT).until(() -> this.listener.outcomes().size() >= messages.size());
		dispatcher.stop();
		assertThat(this.listener.outcomes()).hasSameSizeAs(messages);
		assertThat(this.listener.received()).hasSameSizeAs(messages);
		assertThat(messages).allSatisfy((message) -> assertThat(this.listener.outcomesOf(message)).hasSize(1));
		// A burst larger than the buffer may overflow; nothing is lost either way.
		assertThat(messages).map(this.listener::outcomeOf)
			.extracting(Disposition::reason)
			.contains(null, DeadLetterReason.INVALID_JSON)
			.isSubsetOf(null, DeadLetterReason.INVALID_JSON, DeadLetterReason.OVERFLOW);
		assertThat(this.handler.ids()).hasSize((int) messages.stream()
			.map(this.listener::outcomeOf)
			.filter((disposition) -> disposition.outcome() == Outcome.PROCESSED)
			.count());
	}

	@Test
	void submitCompletesWithTheOutcomeOfAMessageRefusedWhileStopped() {
		MessageDispatcher dispatcher = dispatcher(1, 2, Duration.ofSeconds(10));
		InboundMessage message = message(json("m1"));
		Disposition disposition = dispatcher.submit(message).join();
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.SHUTDOWN);
		assertThat(this.listener.outcomeOf(message)).isEqualTo(disposition);
	}

	@Test
	void submitCompletesWithTheOutcomeOnceTheMessageIsSettled() {
		this.handler.release.countDown();
		MessageDispatcher dispatcher = started(1, 2, Duration.ofSeconds(10));
		InboundMessage message = message(json("m1"));
		Disposition disposition = dispatcher.submit(message).join();
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.listener.outcomeOf(message)).isEqualTo(disposition);
	}

	private MessageDispatcher started(int concurrency, int capacity, Duration drainTimeout) {
		MessageDispatcher dispatcher = dispatcher(concurrency, capacity, drainTimeout);
		this.dispatchers.add(dispatcher);
		dispatcher.start();
		return dispatcher;
	}

	private MessageDispatcher dispatcher(int concurrency, int capacity, Duration drainTimeout) {
		return this.pipeline.dispatcher(new MessageDispatcher.Settings(concurrency, capacity, Duration.ZERO,
				Duration.ofMinutes(5), drainTimeout));
	}

	/** With concurrency 1 and capacity 2: one message blocked in the handler, two buffered. */
	private List<InboundMessage> dispatchUntilBufferIsFull(MessageDispatcher dispatcher) {
		List<InboundMessage> accepted = List.of(message(json("m1")), message(json("m2")), message(json("m3")));
		dispatcher.dispatch(accepted.get(0));
		await().atMost(WAIT).until(() -> this.handler.started.get() == 1);
		dispatcher.dispatch(accepted.get(1));
		dispatcher.dispatch(accepted.get(2));
		assertThat(this.listener.outcomes()).isEmpty();
		return accepted;
	}

	private static String json(String id) {
		return "{\"type\":\"block\",\"id\":\"" + id + "\"}";
	}

	/** Blocks every message until {@link #release} opens; an interrupt fails the message. */
	static final class BlockingHandler extends TestHandler<Object> {

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger started = new AtomicInteger();

		BlockingHandler() {
			super("block", Object.class, null);
			this.behaviour = (message, context) -> {
				this.started.incrementAndGet();
				this.release.await();
				return HandlerResult.PROCESSED;
			};
		}

	}

}
