package io.messageconsumer.processing;

/**
 * One concern of processing a message, as a middleware: it does its part with the work, then
 * hands it to the next step. A step that throws {@link io.messageconsumer.message.RejectedMessageException}
 * rejects the message; any other exception fails it (or its attempt). The steps are composed in
 * one place, {@link MessagePipeline}; none of them settles a message, the pipeline does.
 * (Watermill's handler middleware is the model.)
 *
 * @param <W> what the steps work on: an {@link Arrival} on the source's thread, an
 * {@link Attempt} on a lane's worker
 */
@FunctionalInterface
interface Step<W> {

	/**
	 * Do this step's part, then call {@code next} (or not, to stop here).
	 * @param work the message as far as the earlier steps took it
	 * @param next the steps after this one
	 * @throws Exception to reject or fail the message
	 */
	void apply(W work, Chain<W> next) throws Exception;

	/**
	 * Compose steps into one chain, run in the order given.
	 * @param <W> what the steps work on
	 * @param steps the steps, outermost first
	 * @return the chain
	 */
	@SafeVarargs
	static <W> Chain<W> chain(Step<W>... steps) {
		Chain<W> chain = (work) -> {
		};
		for (int i = steps.length - 1; i >= 0; i--) {
			Step<W> step = steps[i];
			Chain<W> next = chain;
			chain = (work) -> step.apply(work, next);
		}
		return chain;
	}

	/**
	 * The steps after one step.
	 * @param <W> what the steps work on
	 */
	@FunctionalInterface
	interface Chain<W> {

		/**
		 * Run the rest of the steps.
		 * @param work the message as far as the steps before took it
		 * @throws Exception to reject or fail the message
		 */
		void proceed(W work) throws Exception;

	}

}
