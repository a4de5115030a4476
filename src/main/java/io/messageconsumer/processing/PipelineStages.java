package io.messageconsumer.processing;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.messageconsumer.decode.EnvelopeDecoder;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.processing.failure.Settlement;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.processing.lanes.Stages;
import io.messageconsumer.support.LogText;
import io.messageconsumer.tracing.MessageTracing;

/**
 * The composed steps, as the dispatcher runs them: the admission chain on the source's thread
 * (a message it rejects is settled here), the attempts on a lane's worker, and the settlement.
 * Nothing a message contains makes it throw.
 */
final class PipelineStages implements Stages {

	private final Step.Chain<Arrival> admission;

	private final HandlerAttempts attempts;

	private final EnvelopeDecoder decoder;

	private final Observers observers;

	private final Settlement settlement;

	private final MessageTracing tracing;

	PipelineStages(Step.Chain<Arrival> admission, HandlerAttempts attempts, EnvelopeDecoder decoder,
			Observers observers, Settlement settlement, MessageTracing tracing) {
		this.admission = admission;
		this.attempts = attempts;
		this.decoder = decoder;
		this.observers = observers;
		this.settlement = settlement;
		this.tracing = tracing;
	}

	@Override
	public Delivery admit(InboundMessage message, CompletableFuture<Disposition> settled) {
		Arrival arrival = new Arrival(message, settled);
		try {
			this.admission.proceed(arrival);
			return arrival.delivery();
		}
		catch (RejectedMessageException ex) {
			if (arrival.envelope == null && ex.hasEnvelopeAttributes()) {
				// Rejected while decoding, after its attributes were read: traced under them all the same.
				arrival.trace = this.tracing.start(arrival.message, ex.trace());
			}
			reject(arrival, Disposition.rejected(ex, arrival.envelope));
		}
		catch (Exception | Error ex) {
			reject(arrival, Disposition.rejected(DeadLetterReason.INVALID_JSON, LogText.safe(String.valueOf(ex), 900),
					arrival.envelope));
		}
		return null;
	}

	private void reject(Arrival arrival, Disposition rejection) {
		this.settlement.settle(arrival.message, rejection, arrival.settled, arrival.trace);
	}

	@Override
	public void reject(InboundMessage message, DeadLetterReason reason, String detail) {
		this.observers.onReceived(message);
		this.settlement.settle(message, Disposition.rejected(reason, detail, decodeOrNull(message)));
	}

	/** The envelope, for the type and id of a message rejected undecoded; the observers are not told. */
	private Envelope decodeOrNull(InboundMessage message) {
		try {
			return this.decoder.decode(message.body());
		}
		catch (RuntimeException | Error ex) {
			return null;
		}
	}

	@Override
	public AttemptResult attempt(Delivery delivery) {
		return this.attempts.attempt(delivery);
	}

	@Override
	public List<AttemptResult> attemptAll(List<Delivery> deliveries) {
		return this.attempts.attemptAll(deliveries);
	}

	@Override
	public Settlement settlement() {
		return this.settlement;
	}

}
