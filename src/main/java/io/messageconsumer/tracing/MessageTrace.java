package io.messageconsumer.tracing;

import io.messageconsumer.message.Disposition;

/**
 * The trace of one message, from its admission to its settlement: opened in scope around the
 * work done for it (its handler attempts, its settlement), stopped once, with its outcome.
 * {@link #NONE} when there is nothing to trace, which costs nothing.
 */
public interface MessageTrace {

	/** No trace: the message carried no context and tracing is off. */
	MessageTrace NONE = new MessageTrace() {
	};

	/** A scope that closes nothing. */
	Scope NO_SCOPE = () -> {
	};

	/**
	 * Put the trace in scope on this thread (and its trace id in the logging MDC) until the scope
	 * is closed, on this thread.
	 * @return the scope
	 */
	default Scope open() {
		return NO_SCOPE;
	}

	/**
	 * An attempt at the message failed with this.
	 * @param failure what the handler threw
	 */
	default void error(Throwable failure) {
	}

	/**
	 * The message settled: end the trace with its outcome.
	 * @param disposition the outcome
	 */
	default void stop(Disposition disposition) {
	}

	/**
	 * The message was given back to a source that delivers it again (it gets a trace of its own
	 * then): end this one without an outcome.
	 * @param disposition the outcome it would have had, for its type
	 */
	default void release(Disposition disposition) {
	}

	/** A trace in scope on one thread; closing it takes it out of scope. */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
