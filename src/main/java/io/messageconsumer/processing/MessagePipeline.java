package io.messageconsumer.processing;

import java.util.List;

import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.decode.MessageRouter;
import io.messageconsumer.decode.PayloadBinder;
import io.messageconsumer.processing.failure.DeadLetterRecoverer;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.processing.invoke.HandlerDeadlines;
import io.messageconsumer.processing.invoke.HandlerInvoker;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.processing.lanes.Stages;
import io.messageconsumer.tracing.MessageTracing;

/**
 * The steps a message goes through from receipt to outcome, composed in one place, in order: on
 * the source's thread {@link ObserveReceived}, {@link DecodeEnvelope}, {@link StartTrace},
 * {@link RouteByType} (and the ordering key); on a lane's worker {@link InTraceScope},
 * {@link BindPayload}, {@link InvokeHandler} (bounded by the handler timeout), then
 * {@link RetryOrFail}; at the end the {@link Settlement}, which ends the trace. It has no entry
 * of its own: a source (or a replay) hands a message to the {@link #dispatcher dispatcher}, the
 * only holder of the steps, which runs them in order.
 */
public final class MessagePipeline {

	private final PipelineStages stages;

	private final PipelineWarmUp warmUp;

	/**
	 * Compose the pipeline.
	 * @param decoder decodes raw bytes
	 * @param router finds the handler
	 * @param validator validates payloads
	 * @param invoker calls the handler once, with its decorators
	 * @param retryBackOff how often a failing handler is tried, and the backoff in between
	 * @param listeners told about every message and outcome, in this order; they only watch
	 * @param recoverer takes every rejected and failed message
	 */
	public MessagePipeline(EnvelopeDecoder decoder, MessageRouter router, jakarta.validation.Validator validator,
			HandlerInvoker invoker, RetryBackOff retryBackOff, List<? extends PipelineListener> listeners,
			DeadLetterRecoverer recoverer) {
		this(decoder, router, validator, invoker, retryBackOff, listeners, recoverer, MessageTracing.OFF);
	}

	/**
	 * Compose the pipeline, tracing each message.
	 * @param decoder decodes raw bytes
	 * @param router finds the handler
	 * @param validator validates payloads
	 * @param invoker calls the handler once, with its decorators
	 * @param retryBackOff how often a failing handler is tried, and the backoff in between
	 * @param listeners told about every message and outcome, in this order; they only watch
	 * @param recoverer takes every rejected and failed message
	 * @param tracing starts each decoded message's trace
	 */
	public MessagePipeline(EnvelopeDecoder decoder, MessageRouter router, jakarta.validation.Validator validator,
			HandlerInvoker invoker, RetryBackOff retryBackOff, List<? extends PipelineListener> listeners,
			DeadLetterRecoverer recoverer, MessageTracing tracing) {
		Observers observers = new Observers(listeners);
		MessageTracing typedTracing = tracing.forTypes(router.types());
		PayloadBinder binder = new PayloadBinder(decoder.mapper(), validator);
		Step.Chain<Arrival> admission = Step.chain(new ObserveReceived(observers), new DecodeEnvelope(decoder, observers),
				new StartTrace(typedTracing), new RouteByType(router, decoder));
		HandlerAttempts attempts = new HandlerAttempts(new BindPayload(binder), new InvokeHandler(invoker), invoker,
				new RetryOrFail(retryBackOff), observers);
		this.stages = new PipelineStages(admission, attempts, decoder, observers, new Settlement(observers, recoverer),
				typedTracing);
		this.warmUp = new PipelineWarmUp(decoder, router, binder);
	}

	/**
	 * The dispatcher that runs this pipeline's steps: the one entry for sources and replays.
	 * @param settings lane count, capacity, overflow wait, stuck threshold and drain timeout
	 * @param deadlines the thread the check for stuck workers runs on; {@code null} for one of its own
	 * @return a new dispatcher, not started
	 */
	public MessageDispatcher dispatcher(MessageDispatcher.Settings settings, HandlerDeadlines deadlines) {
		return new MessageDispatcher(this.stages, settings, deadlines);
	}

	/**
	 * The warm-up of this pipeline's decoding, routing, binding and validation.
	 * @return the warm-up
	 */
	public PipelineWarmUp warmUp() {
		return this.warmUp;
	}

	/** The steps, for tests of the lanes. */
	Stages stages() {
		return this.stages;
	}

}
