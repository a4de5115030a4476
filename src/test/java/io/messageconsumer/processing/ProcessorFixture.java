package io.messageconsumer.processing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import io.messageconsumer.tracing.MessageTracing;
import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageJson;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.failure.DeadLetterRecoverer;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.processing.lanes.Stages;

/**
 * A {@link MessagePipeline} for unit tests, wired from a small builder (handlers, listeners,
 * recoverer, retry, invoker, decoder), with the dispatchers it hands out stopped on
 * {@link #close()}. {@link #process} runs a message the way a replay does: through a dispatcher,
 * waiting for the outcome.
 */
public final class ProcessorFixture implements AutoCloseable {

	private static final Duration OUTCOME_WAIT = Duration.ofSeconds(30);

	private final MessagePipeline pipeline;

	private final ValidatorFactory validatorFactory;

	private final List<MessageDispatcher> dispatchers = new ArrayList<>();

	private MessageDispatcher processing;

	private ProcessorFixture(MessagePipeline pipeline, ValidatorFactory validatorFactory) {
		this.pipeline = pipeline;
		this.validatorFactory = validatorFactory;
	}

	public static Builder builder() {
		return new Builder();
	}

	public MessagePipeline pipeline() {
		return this.pipeline;
	}

	/** The pipeline's steps, as the lanes run them. */
	public Stages stages() {
		return this.pipeline.stages();
	}

	/**
	 * A dispatcher of this pipeline, not started; stopped on {@link #close()}.
	 * @param settings its lanes
	 * @return the dispatcher
	 */
	public MessageDispatcher dispatcher(MessageDispatcher.Settings settings) {
		MessageDispatcher dispatcher = this.pipeline.dispatcher(settings, null);
		this.dispatchers.add(dispatcher);
		return dispatcher;
	}

	/**
	 * Run a message to its outcome through a one-lane dispatcher, retries included, and wait for it.
	 * @param message the message
	 * @return its disposition
	 */
	public synchronized Disposition process(InboundMessage message) {
		if (this.processing == null) {
			this.processing = dispatcher(new MessageDispatcher.Settings(1, 1000, Duration.ZERO, Duration.ofMinutes(5),
					Duration.ofSeconds(10)));
			this.processing.start();
		}
		try {
			return this.processing.submit(message).get(OUTCOME_WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("no outcome for the message", ex);
		}
	}

	/**
	 * Admit a message and make its first attempt on the calling thread (a small stack, a benchmark),
	 * then settle it; for pipelines without retries.
	 * @param message the message
	 * @return its disposition
	 */
	public Disposition processHere(InboundMessage message) {
		CompletableFuture<Disposition> settled = new CompletableFuture<>();
		Delivery delivery = stages().admit(message, settled);
		if (delivery != null) {
			AttemptResult result = stages().attempt(delivery);
			if (result.disposition() == null) {
				throw new IllegalStateException("processHere makes one attempt: build the fixture without retries");
			}
			stages().settlement().settle(message, result.disposition(), settled, delivery.trace());
		}
		return settled.join();
	}

	@Override
	public void close() {
		this.dispatchers.forEach(MessageDispatcher::stop);
		if (this.validatorFactory != null) {
			this.validatorFactory.close();
		}
	}

	/** Builds a {@link ProcessorFixture}. */
	public static final class Builder {

		private final Map<String, MessageHandler<?>> handlers = new LinkedHashMap<>();

		private final List<PipelineListener> listeners = new ArrayList<>();

		private DeadLetterRecoverer recoverer = DeadLetterRecoverer.ACKNOWLEDGE;

		private RetryBackOff retry = RetryBackOff.NONE;

		private HandlerInvoker invoker = HandlerInvoker.DIRECT;

		private EnvelopeDecoder decoder;

		private Validator validator;

		private MessageTracing tracing = MessageTracing.OFF;

		private Builder() {
		}

		/** Handlers, each under a bean name of its type plus {@code Handler}. */
		public Builder handlers(MessageHandler<?>... handlers) {
			for (MessageHandler<?> handler : handlers) {
				this.handlers.put(handler.type() + "Handler", handler);
			}
			return this;
		}

		/** Listeners, told in this order. */
		public Builder listeners(PipelineListener... listeners) {
			this.listeners.addAll(List.of(listeners));
			return this;
		}

		/** What takes rejected and failed messages; by default it records nothing and acknowledges. */
		public Builder recoverer(DeadLetterRecoverer recoverer) {
			this.recoverer = recoverer;
			return this;
		}

		/** How often a failing handler is tried; by default once. */
		public Builder retry(RetryBackOff retry) {
			this.retry = retry;
			return this;
		}

		/** {@code maxAttempts} attempts, {@code backoff} apart. */
		public Builder retry(int maxAttempts, Duration backoff) {
			return retry(new RetryBackOff(maxAttempts, backoff, 1.0, backoff));
		}

		/** What calls the handler (a {@code TimeoutHandlerInvoker} for timeouts); by default directly. */
		public Builder invoker(HandlerInvoker invoker) {
			this.invoker = invoker;
			return this;
		}

		/** The decoder; by default 64 KiB messages under the default parser limits. */
		public Builder decoder(EnvelopeDecoder decoder) {
			this.decoder = decoder;
			return this;
		}

		/** The largest message, under the default parser limits. */
		public Builder maxBytes(int maxBytes) {
			return decoder(new EnvelopeDecoder(MessageJson.create(maxBytes), maxBytes));
		}

		/** The Bean Validation validator; by default one of a factory the fixture closes. */
		public Builder validator(Validator validator) {
			this.validator = validator;
			return this;
		}

		/** How messages are traced; by default off. */
		public Builder tracing(MessageTracing tracing) {
			this.tracing = tracing;
			return this;
		}

		public ProcessorFixture build() {
			ValidatorFactory factory = (this.validator == null) ? Validation.buildDefaultValidatorFactory() : null;
			Validator validator = (factory != null) ? factory.getValidator() : this.validator;
			EnvelopeDecoder decoder = (this.decoder != null) ? this.decoder : new EnvelopeDecoder(MessageJson.create(65_536), 65_536);
			MessagePipeline pipeline = new MessagePipeline(decoder, new MessageRouter(this.handlers), validator,
					this.invoker, this.retry, List.copyOf(this.listeners), this.recoverer, this.tracing);
			return new ProcessorFixture(pipeline, factory);
		}

	}

}
