package io.messageconsumer.processing.invoke;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TimeoutHandlerInvoker}.
 */
class TimeoutHandlerInvokerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private static final MessageContext CONTEXT = new MessageContext("job", "j-1", "pubsub", "jobs", 1, Instant.now());

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<TimeoutHandlerInvoker> invokers = new ArrayList<>();

	@AfterEach
	void closeInvokers() {
		this.release.countDown();
		this.invokers.forEach(TimeoutHandlerInvoker::close);
		// Nothing a test does may leave the JUnit thread interrupted for the next test.
		Thread.interrupted();
	}

	@Test
	void returnsTheResultOfAFastAttemptUnchanged() throws Exception {
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		assertThat(invoker.invoke(handler((payload, context) -> HandlerResult.DUPLICATE), "p", CONTEXT))
			.isEqualTo(HandlerResult.DUPLICATE);
		assertThat(invoker.invoke(handler((payload, context) -> HandlerResult.PROCESSED), "p", CONTEXT))
			.isEqualTo(HandlerResult.PROCESSED);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void passesPayloadAndContextToTheDelegate() throws Exception {
		List<Object> seen = new ArrayList<>();
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		invoker.invoke(handler((payload, context) -> {
			seen.add(payload);
			seen.add(context);
			return HandlerResult.PROCESSED;
		}), "the payload", CONTEXT);
		assertThat(seen).containsExactly("the payload", CONTEXT);
	}

	@Test
	void rethrowsTheFailureOfAFastAttemptUnchanged() {
		IOException failure = new IOException("disk full");
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			throw failure;
		}), "p", CONTEXT));
		assertThat(thrown).isSameAs(failure);
	}

	@Test
	void interruptsAnAttemptThatExceedsTheTimeoutAndReportsATimeout() {
		AtomicBoolean interrupted = new AtomicBoolean();
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		long started = System.nanoTime();
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			try {
				this.release.await(10, TimeUnit.SECONDS);
				return HandlerResult.PROCESSED;
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
				throw ex;
			}
		}), "p", CONTEXT));
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(interrupted).isTrue();
		assertThat(thrown).isInstanceOf(TimeoutException.class)
			.hasMessageContaining("timed out after 100 ms")
			.hasCauseInstanceOf(InterruptedException.class);
		assertThat(took).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(Duration.ofSeconds(1));
		// The interrupt was meant for the attempt only: the caller's thread goes on clean.
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void reportsATimeoutWhenAHandlerIgnoresTheInterruptAndReturnsLate() {
		AtomicBoolean sawInterrupt = new AtomicBoolean();
		CountDownLatch workDone = new CountDownLatch(1);
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			// Swallows the interrupt and finishes its work anyway, as some clients do.
			awaitUninterruptibly(workDone, () -> {
				sawInterrupt.set(true);
				workDone.countDown();
			});
			return HandlerResult.PROCESSED;
		}), "p", CONTEXT));
		assertThat(sawInterrupt).isTrue();
		assertThat(thrown).isInstanceOf(TimeoutException.class).hasNoCause();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void clearsTheInterruptAHandlerLeftSet() {
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			// Notices the interrupt without clearing it, and returns normally.
			awaitInterruptWithoutClearingIt();
			return HandlerResult.PROCESSED;
		}), "p", CONTEXT));
		assertThat(thrown).isInstanceOf(TimeoutException.class);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void reportsATimeoutAndClearsTheInterruptWhenATimedOutHandlerThrowsAnError() {
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			awaitInterruptWithoutClearingIt();
			throw new StackOverflowError("deep");
		}), "p", CONTEXT));
		assertThat(thrown).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(StackOverflowError.class);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void rethrowsTheErrorOfAnAttemptInTime() {
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		Throwable thrown = catchThrowable(() -> invoker.invoke(handler((payload, context) -> {
			throw new AssertionError("boom");
		}), "p", CONTEXT));
		assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("boom");
	}

	@Test
	void waitsForAHandlerThatIgnoresTheInterrupt() throws Exception {
		// The invoker does not abandon the caller's thread; the lane's watchdog does that.
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		CountDownLatch interruptedOnce = new CountDownLatch(1);
		AtomicBoolean returned = new AtomicBoolean();
		Thread caller = new Thread(() -> {
			try {
				invoker.invoke(handler((payload, context) -> {
					awaitUninterruptibly(this.release, interruptedOnce::countDown);
					return HandlerResult.PROCESSED;
				}), "p", CONTEXT);
			}
			catch (Exception ex) {
				// expected: a timeout
			}
			returned.set(true);
		}, "timeout-test-caller");
		caller.start();
		assertThat(interruptedOnce.await(5, TimeUnit.SECONDS)).isTrue();
		caller.join(200);
		assertThat(returned).isFalse();
		this.release.countDown();
		caller.join(5000);
		assertThat(returned).isTrue();
	}

	@Test
	void timesEachAttemptFromItsOwnStart() throws Exception {
		TimeoutHandlerInvoker invoker = invoker(Duration.ofMillis(300));
		// Several attempts that together exceed the timeout, each well within it.
		for (int i = 0; i < 4; i++) {
			assertThat(invoker.invoke(handler((payload, context) -> {
				assertThat(this.release.await(100, TimeUnit.MILLISECONDS)).isFalse();
				return HandlerResult.PROCESSED;
			}), "p", CONTEXT)).isEqualTo(HandlerResult.PROCESSED);
		}
	}

	@Test
	void aTimedOutAttemptDoesNotAffectTheNextOne() throws Exception {
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> invoker.invoke(handler((payload, context) -> {
			this.release.await(10, TimeUnit.SECONDS);
			return HandlerResult.PROCESSED;
		}), "p", CONTEXT));
		assertThat(invoker.invoke(handler((payload, context) -> HandlerResult.DUPLICATE), "p", CONTEXT))
			.isEqualTo(HandlerResult.DUPLICATE);
	}

	@Test
	void stopsItsCheckerThreadOnClose() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		TimeoutHandlerInvoker invoker = invoker(TIMEOUT);
		List<Thread> checkers = await().atMost(Duration.ofSeconds(5))
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> !before.contains(thread))
				.filter((thread) -> thread.getName().equals("consumer-handler-timeout"))
				.toList(), (found) -> !found.isEmpty());
		assertThat(checkers).hasSize(1).allSatisfy((thread) -> assertThat(thread.isDaemon()).isTrue());
		invoker.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !checkers.get(0).isAlive());
	}

	@Test
	void doesNotInterruptAnAttemptOnceClosed() throws Exception {
		TimeoutHandlerInvoker invoker = invoker(Duration.ofMillis(20));
		invoker.close();
		assertThat(invoker.invoke(handler((payload, context) -> {
			assertThat(this.release.await(200, TimeUnit.MILLISECONDS)).isFalse();
			return HandlerResult.PROCESSED;
		}), "p", CONTEXT)).isEqualTo(HandlerResult.PROCESSED);
	}

	private TimeoutHandlerInvoker invoker(Duration timeout) {
		TimeoutHandlerInvoker invoker = new TimeoutHandlerInvoker(HandlerInvoker.DIRECT, timeout);
		this.invokers.add(invoker);
		return invoker;
	}

	private static void awaitInterruptWithoutClearingIt() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	/** Waits for {@code latch}, swallowing interrupts; runs {@code onInterrupt} for each one. */
	private static void awaitUninterruptibly(CountDownLatch latch, Runnable onInterrupt) {
		while (true) {
			try {
				latch.await();
				return;
			}
			catch (InterruptedException ex) {
				onInterrupt.run();
			}
		}
	}

	private static MessageHandler<Object> handler(TestHandler.Behaviour<Object> body) {
		return new TestHandler<>("job", Object.class, body);
	}

}
