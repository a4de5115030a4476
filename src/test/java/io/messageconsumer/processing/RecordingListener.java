package io.messageconsumer.processing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;

/**
 * A {@link PipelineListener} that records every call, for assertions; thread-safe.
 */
public class RecordingListener implements PipelineListener {

	private final List<InboundMessage> received = new CopyOnWriteArrayList<>();

	private final List<Recorded> outcomes = new CopyOnWriteArrayList<>();

	public static InboundMessage message(String json) {
		return new InboundMessage(json.getBytes(StandardCharsets.UTF_8), "pubsub", "orders", "orders", Instant.now());
	}

	@Override
	public void onReceived(InboundMessage message) {
		this.received.add(message);
	}

	@Override
	public void onOutcome(InboundMessage message, Disposition disposition) {
		this.outcomes.add(new Recorded(message, disposition));
	}

	public List<InboundMessage> received() {
		return List.copyOf(this.received);
	}

	public List<Recorded> outcomes() {
		return List.copyOf(this.outcomes);
	}

	/** Forget everything recorded so far. */
	public void clear() {
		this.received.clear();
		this.outcomes.clear();
	}

	/** The dispositions recorded for this very message (by identity), in order. */
	public List<Disposition> outcomesOf(InboundMessage message) {
		return this.outcomes.stream().filter((recorded) -> recorded.message() == message).map(Recorded::disposition).toList();
	}

	/** The one disposition recorded for this message; fails when there is not exactly one. */
	public Disposition outcomeOf(InboundMessage message) {
		List<Disposition> dispositions = outcomesOf(message);
		if (dispositions.size() != 1) {
			throw new AssertionError("expected exactly one outcome for " + new String(message.body(),
					StandardCharsets.UTF_8) + " but got " + dispositions);
		}
		return dispositions.get(0);
	}

	public record Recorded(InboundMessage message, Disposition disposition) {
	}

}
