package io.messageconsumer.processing.failure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.messageconsumer.message.Acknowledgement;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.Observers;
import io.messageconsumer.processing.PipelineListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Settlement}: one place decides a message's fate, and observers only watch.
 */
class SettlementTests {

	private final List<String> events = new ArrayList<>();

	private final PipelineListener observer = new PipelineListener() {

		@Override
		public void onReceived(InboundMessage message) {
			SettlementTests.this.events.add("received");
		}

		@Override
		public void onOutcome(InboundMessage message, Disposition disposition) {
			SettlementTests.this.events.add("observed " + disposition.outcome().tag());
		}

	};

	private final PipelineListener failingObserver = (message, disposition) -> {
		throw new IllegalStateException("an observer that fails");
	};

	private final Settlement settlement = new Settlement(new Observers(List.of(this.failingObserver, this.observer)),
			(message, disposition) -> this.events.add("recovered " + disposition.reason().code()));

	@Test
	void acknowledgesAHandledMessageAfterTheObservers() {
		this.settlement.settle(streamEntry(), new Disposition(Outcome.PROCESSED, null, null, "t", "1", null, 1));
		assertThat(this.events).containsExactly("observed processed", "acknowledged");
	}

	@Test
	void handsARejectedMessageToTheRecovererWithoutAcknowledgingIt() {
		this.settlement.settle(streamEntry(), Disposition.rejected(DeadLetterReason.INVALID_JSON, "not json", null));
		assertThat(this.events).containsExactly("observed rejected", "recovered invalid_json");
	}

	@Test
	void releasesAnUnprocessedMessageItsSourceRedeliversWithNoOutcome() {
		this.settlement.unprocessed(streamEntry(), Disposition.rejected(DeadLetterReason.OVERFLOW, "full", null));
		assertThat(this.events).containsExactly("released");
	}

	@Test
	void deadLettersAnUnprocessedMessageItsSourceDoesNotRedeliver() {
		this.settlement.unprocessed(pubSubMessage(), Disposition.rejected(DeadLetterReason.OVERFLOW, "full", null));
		assertThat(this.events).containsExactly("observed rejected", "recovered overflow");
	}

	@Test
	void refusesAStreamEntryUncountedAndAPubSubMessageCountedAndDeadLettered() {
		Disposition shutdown = Disposition.rejected(DeadLetterReason.SHUTDOWN, "stopped", null);
		this.settlement.refuse(streamEntry(), shutdown, null);
		assertThat(this.events).containsExactly("released");
		this.events.clear();
		this.settlement.refuse(pubSubMessage(), shutdown, null);
		assertThat(this.events).containsExactly("received", "observed rejected", "recovered shutdown");
	}

	private InboundMessage streamEntry() {
		Acknowledgement acknowledgement = new Acknowledgement() {

			@Override
			public void acknowledge() {
				SettlementTests.this.events.add("acknowledged");
			}

			@Override
			public void release() {
				SettlementTests.this.events.add("released");
			}

		};
		return new InboundMessage(body(), "stream", "orders-stream", "orders-stream", Instant.EPOCH, acknowledgement);
	}

	private static InboundMessage pubSubMessage() {
		return new InboundMessage(body(), "pubsub", "orders", "orders", Instant.EPOCH);
	}

	private static byte[] body() {
		return "{\"type\":\"t\",\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
	}

}
