package io.messageconsumer.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

class RetryingHandlerInvokerTests {

	private static final MessageContext CONTEXT = new MessageContext("widget", "w-1", "pubsub", "widgets", 1,
			Instant.parse("2026-01-01T00:00:00Z"));

	@Test
	void returnsTheResultOfASuccessfulFirstAttempt() throws Exception {
		ScriptedHandler handler = new ScriptedHandler(0);
		handler.result = HandlerResult.DUPLICATE;
		HandlerResult result = invoker(3, Duration.ofMillis(1)).invoke(handler, "payload", CONTEXT);
		assertThat(result).isEqualTo(HandlerResult.DUPLICATE);
		assertThat(handler.contexts).containsExactly(CONTEXT);
		assertThat(handler.payloads).containsExactly("payload");
	}

	@Test
	void succeedsOnTheThirdAttemptWithAttemptNumbersInTheContext() throws Exception {
		ScriptedHandler handler = new ScriptedHandler(2);
		HandlerResult result = invoker(3, Duration.ofMillis(1)).invoke(handler, "payload", CONTEXT);
		assertThat(result).isEqualTo(HandlerResult.PROCESSED);
		assertThat(handler.contexts).extracting(MessageContext::attempt).containsExactly(1, 2, 3);
		assertThat(handler.contexts).allSatisfy((context) -> {
			assertThat(context.type()).isEqualTo(CONTEXT.type());
			assertThat(context.id()).isEqualTo(CONTEXT.id());
			assertThat(context.source()).isEqualTo(CONTEXT.source());
			assertThat(context.channel()).isEqualTo(CONTEXT.channel());
			assertThat(context.receivedAt()).isEqualTo(CONTEXT.receivedAt());
		});
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheLastFailureAsCause() {
		ScriptedHandler handler = new ScriptedHandler(Integer.MAX_VALUE);
		HandlerFailedException ex = catchThrowableOfType(HandlerFailedException.class,
				() -> invoker(4, Duration.ofMillis(1)).invoke(handler, "payload", CONTEXT));
		assertThat(ex).isNotNull();
		assertThat(ex.attempts()).isEqualTo(4);
		assertThat(ex.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("failure 4");
		assertThat(handler.contexts).extracting(MessageContext::attempt).containsExactly(1, 2, 3, 4);
	}

	@Test
	void makesExactlyOneAttemptWhenMaxAttemptsIsOne() {
		ScriptedHandler handler = new ScriptedHandler(Integer.MAX_VALUE);
		HandlerFailedException ex = catchThrowableOfType(HandlerFailedException.class,
				() -> invoker(1, Duration.ofSeconds(30)).invoke(handler, "payload", CONTEXT));
		assertThat(ex.attempts()).isEqualTo(1);
		assertThat(handler.contexts).hasSize(1);
	}

	@Test
	void retriesWithoutWaitingWhenTheBackoffIsZero() throws Exception {
		ScriptedHandler handler = new ScriptedHandler(2);
		HandlerResult result = new RetryingHandlerInvoker(HandlerInvoker.DIRECT, 3, Duration.ZERO, 2.0, Duration.ZERO)
			.invoke(handler, "payload", CONTEXT);
		assertThat(result).isEqualTo(HandlerResult.PROCESSED);
		assertThat(handler.contexts).hasSize(3);
	}

	@Test
	void retriesAStackOverflow() throws Exception {
		ScriptedHandler handler = new ScriptedHandler(1);
		handler.failure = StackOverflowError::new;
		HandlerResult result = invoker(3, Duration.ofMillis(1)).invoke(handler, "payload", CONTEXT);
		assertThat(result).isEqualTo(HandlerResult.PROCESSED);
		assertThat(handler.contexts).hasSize(2);
	}

	@Test
	void backoffGrowsExponentially() throws Exception {
		ScriptedHandler handler = new ScriptedHandler(3);
		new RetryingHandlerInvoker(HandlerInvoker.DIRECT, 4, Duration.ofMillis(2), 2.0, Duration.ofMillis(8))
			.invoke(handler, "payload", CONTEXT);
		List<Long> gaps = handler.gapsNanos();
		assertThat(gaps).hasSize(3);
		assertThat(gaps.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
		assertThat(gaps.get(1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(4));
		assertThat(gaps.get(2)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(8));
	}

	@Test
	@Timeout(value = 30, unit = TimeUnit.SECONDS)
	void backoffIsCappedAtMaxBackoff() {
		// Uncapped, the waits would be 1 ms, 1 s, 1,000 s, ...; capped at 4 ms, six attempts take milliseconds.
		ScriptedHandler handler = new ScriptedHandler(Integer.MAX_VALUE);
		HandlerFailedException ex = catchThrowableOfType(HandlerFailedException.class,
				() -> new RetryingHandlerInvoker(HandlerInvoker.DIRECT, 6, Duration.ofMillis(1), 1000.0,
						Duration.ofMillis(4))
					.invoke(handler, "payload", CONTEXT));
		assertThat(ex.attempts()).isEqualTo(6);
		List<Long> gaps = handler.gapsNanos();
		assertThat(gaps.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
		assertThat(gaps.subList(1, gaps.size()))
			.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(4)));
	}

	@Test
	void interruptDuringBackoffStopsRetrying() {
		ScriptedHandler handler = new ScriptedHandler(Integer.MAX_VALUE);
		RetryingHandlerInvoker invoker = invoker(5, Duration.ofSeconds(60));
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		CompletableFuture<Boolean> interruptedAfterwards = new CompletableFuture<>();
		Thread worker = new Thread(() -> {
			try {
				invoker.invoke(handler, "payload", CONTEXT);
				outcome.complete(null);
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
			interruptedAfterwards.complete(Thread.currentThread().isInterrupted());
		}, "retry-test-worker");
		worker.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> handler.contexts.size() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> worker.getState() == Thread.State.TIMED_WAITING);
		worker.interrupt();
		await().atMost(Duration.ofSeconds(10)).until(outcome::isDone);
		assertThat(outcome.join()).isInstanceOfSatisfying(HandlerFailedException.class,
				(ex) -> assertThat(ex.attempts()).isEqualTo(1));
		assertThat(handler.contexts).hasSize(1);
		assertThat(interruptedAfterwards.join()).as("interrupt status is kept").isTrue();
	}

	@Test
	void interruptDuringAnAttemptStopsRetrying() throws InterruptedException {
		// The handler's blocking call ends with InterruptedException, which clears the interrupt status:
		// the invoker must still see the interrupt (shutdownNow after the drain timeout) and stop.
		CountDownLatch never = new CountDownLatch(1);
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		MessageHandler<Object> blocking = new ScriptedHandler(0) {

			@Override
			public HandlerResult handle(Object payload, MessageContext context) throws Exception {
				attempts.add(context.attempt());
				never.await();
				return HandlerResult.PROCESSED;
			}

		};
		RetryingHandlerInvoker invoker = invoker(5, Duration.ofSeconds(60));
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		Thread worker = new Thread(() -> {
			try {
				invoker.invoke(blocking, "payload", CONTEXT);
				outcome.complete(null);
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		}, "retry-test-worker");
		worker.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.getState() == Thread.State.WAITING);
			worker.interrupt();
			await().atMost(Duration.ofSeconds(10)).until(outcome::isDone);
			assertThat(outcome.join()).isInstanceOfSatisfying(HandlerFailedException.class,
					(ex) -> assertThat(ex.attempts()).isEqualTo(1));
			assertThat(attempts).containsExactly(1);
		}
		finally {
			worker.interrupt();
			never.countDown();
			worker.join(10_000);
		}
	}

	@Test
	void alreadyInterruptedThreadMakesNoFurtherAttempts() {
		ScriptedHandler handler = new ScriptedHandler(Integer.MAX_VALUE);
		Thread.currentThread().interrupt();
		try {
			HandlerFailedException ex = catchThrowableOfType(HandlerFailedException.class,
					() -> invoker(5, Duration.ofSeconds(60)).invoke(handler, "payload", CONTEXT));
			assertThat(ex.attempts()).isEqualTo(1);
			assertThat(handler.contexts).hasSize(1);
		}
		finally {
			assertThat(Thread.interrupted()).as("interrupt status is kept").isTrue();
		}
	}

	private static RetryingHandlerInvoker invoker(int maxAttempts, Duration backoff) {
		return new RetryingHandlerInvoker(HandlerInvoker.DIRECT, maxAttempts, backoff, 2.0, backoff.multipliedBy(4));
	}

	/** Fails the first {@code failures} attempts, then returns {@link #result}; records each call. */
	static class ScriptedHandler implements MessageHandler<Object> {

		private final int failures;

		final List<MessageContext> contexts = new CopyOnWriteArrayList<>();

		final List<Object> payloads = new CopyOnWriteArrayList<>();

		final List<Long> callNanos = new CopyOnWriteArrayList<>();

		volatile HandlerResult result = HandlerResult.PROCESSED;

		volatile Supplier<Throwable> failure;

		ScriptedHandler(int failures) {
			this.failures = failures;
		}

		@Override
		public String type() {
			return "widget";
		}

		@Override
		public Class<Object> payloadType() {
			return Object.class;
		}

		@Override
		public HandlerResult handle(Object payload, MessageContext context) throws Exception {
			this.callNanos.add(System.nanoTime());
			this.contexts.add(context);
			this.payloads.add(payload);
			if (this.contexts.size() <= this.failures) {
				if (this.failure != null) {
					Throwable failure = this.failure.get();
					if (failure instanceof Error error) {
						throw error;
					}
					throw (Exception) failure;
				}
				throw new IllegalStateException("failure " + this.contexts.size());
			}
			return this.result;
		}

		List<Long> gapsNanos() {
			List<Long> gaps = new ArrayList<>();
			for (int i = 1; i < this.callNanos.size(); i++) {
				gaps.add(this.callNanos.get(i) - this.callNanos.get(i - 1));
			}
			return gaps;
		}

	}

}
