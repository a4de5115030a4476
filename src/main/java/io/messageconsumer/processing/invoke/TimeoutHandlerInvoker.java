package io.messageconsumer.processing.invoke;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.messageconsumer.handler.BatchMessageHandler;
import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * Bounds each handler attempt: an attempt running longer than the timeout is interrupted and
 * counts as a failure (and is retried like any other).
 * <p>
 * The hot path only records a deadline; a periodic check on the {@link HandlerDeadlines}' thread
 * interrupts the attempts that passed theirs, so there is no timer task per message. A handler
 * that ignores the interrupt is dealt with by its lane, which abandons a worker stuck past
 * {@link HandlerDeadlines#stuckAfter()}.
 */
public class TimeoutHandlerInvoker implements HandlerInvoker, AutoCloseable {

	private static final int RUNNING = 0;

	private static final int FINISHED = 1;

	private static final int TIMED_OUT = 2;

	/** Timed out, the interrupt not yet delivered. */
	private static final int INTERRUPTING = 3;

	private final HandlerInvoker delegate;

	private final long timeoutNanos;

	private final Map<Thread, Attempt> running = new ConcurrentHashMap<>();

	private final ScheduledFuture<?> check;

	/** The deadlines this invoker started itself, to close with it; {@code null} when shared. */
	private final HandlerDeadlines owned;

	/**
	 * Create the invoker on deadlines shared with the lanes.
	 * @param delegate the invoker to bound
	 * @param deadlines the handler timeout, and the thread that checks it
	 */
	public TimeoutHandlerInvoker(HandlerInvoker delegate, HandlerDeadlines deadlines) {
		this(delegate, deadlines, false);
	}

	/**
	 * Create the invoker with deadlines of its own, closed with it.
	 * @param delegate the invoker to bound
	 * @param timeout the longest an attempt may run
	 */
	public TimeoutHandlerInvoker(HandlerInvoker delegate, Duration timeout) {
		this(delegate, new HandlerDeadlines(timeout), true);
	}

	private TimeoutHandlerInvoker(HandlerInvoker delegate, HandlerDeadlines deadlines, boolean owns) {
		this.delegate = delegate;
		this.timeoutNanos = deadlines.timeout().toNanos();
		this.owned = owns ? deadlines : null;
		long tickMillis = Math.max(10, Math.min(1000, deadlines.timeout().toMillis() / 10));
		this.check = deadlines.checkEvery(Duration.ofMillis(tickMillis), this::interruptOverdue);
	}

	@Override
	public HandlerResult invoke(MessageHandler<Object> handler, Object payload, MessageContext context)
			throws Exception {
		return timed(() -> this.delegate.invoke(handler, payload, context));
	}

	@Override
	public List<HandlerResult> invokeAll(BatchMessageHandler<Object> handler, List<Object> payloads,
			List<MessageContext> contexts) throws Exception {
		return timed(() -> this.delegate.invokeAll(handler, payloads, contexts));
	}

	private <T> T timed(Callable<T> call) throws Exception {
		Thread thread = Thread.currentThread();
		Attempt attempt = new Attempt(thread, System.nanoTime() + this.timeoutNanos);
		this.running.put(thread, attempt);
		T result;
		try {
			result = call.call();
		}
		catch (Exception ex) {
			throw finish(attempt) ? ex : timedOut(ex);
		}
		catch (Error ex) {
			if (!finish(attempt)) {
				throw timedOut(ex);
			}
			throw ex;
		}
		finally {
			this.running.remove(thread);
		}
		if (!finish(attempt)) {
			throw timedOut(null);
		}
		return result;
	}

	/** {@code true} when the attempt finished in time; otherwise clears the interrupt meant for it. */
	private static boolean finish(Attempt attempt) {
		if (attempt.state.compareAndSet(RUNNING, FINISHED)) {
			return true;
		}
		// The checker may be between deciding and interrupting: let it deliver, then clear.
		while (attempt.state.get() == INTERRUPTING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return false;
	}

	private TimeoutException timedOut(Throwable cause) {
		TimeoutException timeout = new TimeoutException(
				"handler attempt timed out after " + TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms");
		if (cause != null) {
			timeout.initCause(cause);
		}
		return timeout;
	}

	private void interruptOverdue() {
		long now = System.nanoTime();
		for (Attempt attempt : this.running.values()) {
			if (now - attempt.deadlineNanos >= 0 && attempt.state.compareAndSet(RUNNING, INTERRUPTING)) {
				attempt.thread.interrupt();
				attempt.state.set(TIMED_OUT);
			}
		}
	}

	@Override
	public void close() {
		this.check.cancel(false);
		if (this.owned != null) {
			this.owned.close();
		}
	}

	private static final class Attempt {

		private final Thread thread;

		private final long deadlineNanos;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		Attempt(Thread thread, long deadlineNanos) {
			this.thread = thread;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
