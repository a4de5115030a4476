package io.messageconsumer.routing;

/**
 * Thrown by {@link RetryingHandlerInvoker} when every attempt failed.
 */
public class HandlerFailedException extends Exception {

	private final int attempts;

	/**
	 * Create the exception.
	 * @param attempts attempts made
	 * @param cause the last attempt's failure
	 */
	public HandlerFailedException(int attempts, Throwable cause) {
		super("handler failed after " + attempts + " attempt(s): " + cause, cause);
		this.attempts = attempts;
	}

	/**
	 * Attempts made.
	 * @return the number of attempts
	 */
	public int attempts() {
		return this.attempts;
	}

}
