package io.messageconsumer.routing;

import java.time.Duration;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * Retries a failing handler with exponential backoff, then gives up with {@link HandlerFailedException}.
 */
public class RetryingHandlerInvoker implements HandlerInvoker {

	private final HandlerInvoker delegate;

	private final int maxAttempts;

	private final long initialBackoffNanos;

	private final double multiplier;

	private final long maxBackoffNanos;

	/**
	 * Create the invoker.
	 * @param delegate the invoker to retry
	 * @param maxAttempts attempts before giving up, at least 1
	 * @param initialBackoff wait before the second attempt
	 * @param multiplier factor applied to the wait after each attempt
	 * @param maxBackoff upper bound of the wait
	 */
	public RetryingHandlerInvoker(HandlerInvoker delegate, int maxAttempts, Duration initialBackoff, double multiplier,
			Duration maxBackoff) {
		this.delegate = delegate;
		this.maxAttempts = maxAttempts;
		this.initialBackoffNanos = initialBackoff.toNanos();
		this.multiplier = multiplier;
		this.maxBackoffNanos = maxBackoff.toNanos();
	}

	@Override
	public HandlerResult invoke(MessageHandler<Object> handler, Object payload, MessageContext context)
			throws HandlerFailedException {
		long backoff = this.initialBackoffNanos;
		for (int attempt = 1;; attempt++) {
			try {
				return this.delegate.invoke(handler, payload, withAttempt(context, attempt));
			}
			catch (Exception | StackOverflowError ex) {
				if (ex instanceof InterruptedException) {
					// Shutting down: keep the interrupt so no further attempt is made.
					Thread.currentThread().interrupt();
				}
				if (attempt >= this.maxAttempts || !pause(backoff)) {
					throw new HandlerFailedException(attempt, ex);
				}
				backoff = Math.min(this.maxBackoffNanos, (long) (backoff * this.multiplier));
			}
			catch (Error ex) {
				// Not worth retrying (a broken class, an assertion): fail the message now.
				throw new HandlerFailedException(attempt, ex);
			}
		}
	}

	private static MessageContext withAttempt(MessageContext context, int attempt) {
		return (context.attempt() == attempt) ? context : new MessageContext(context.type(), context.id(),
				context.source(), context.channel(), attempt, context.receivedAt());
	}

	/** Wait before the next attempt; {@code false} when interrupted (shutting down). */
	private static boolean pause(long nanos) {
		if (nanos <= 0) {
			return !Thread.currentThread().isInterrupted();
		}
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
