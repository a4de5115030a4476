package io.messageconsumer.monitoring;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.ProcessorFixture;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceGapTrackerTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final SequenceGapTracker tracker = new SequenceGapTracker(this.meters, 3);

	/** No handlers: every message is rejected unknown_type after decoding, and still counts as seen. */
	private final ProcessorFixture pipeline = ProcessorFixture.builder().listeners(this.tracker).maxBytes(4096).build();

	@AfterEach
	void closePipeline() {
		this.pipeline.close();
	}

	@Test
	void countsEveryNumberSkipped() {
		track("a", 1, 2, 3, 4, 5, 9, 10, 20);
		assertThat(gaps("a")).isEqualTo(3 + 9);
	}

	@Test
	void firstNumberSeenCountsNothing() {
		track("a", 5000, 5001);
		assertThat(gaps("a")).isZero();
	}

	@Test
	void repeatsAndLateMessagesAddNothingAndDoNotMoveTheHighest() {
		track("a", 1, 2, 5, 5, 3, 4, 2, 6);
		// 3 and 4 were counted missed when 5 came; arriving late does not uncount them.
		assertThat(gaps("a")).isEqualTo(2);
	}

	@Test
	void publisherStartingAgainAtOneResetsWithoutCounting() {
		track("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 5);
		assertThat(gaps("a")).isEqualTo(1);
	}

	@Test
	void publisherStartingAgainFarBelowResetsWithoutCounting() {
		track("a", 5000, 5001, 100, 101, 103);
		assertThat(gaps("a")).isEqualTo(1);
	}

	@Test
	void lowerNumberWithinTheRestartDistanceIsALateMessage() {
		long highest = 5000;
		track("a", highest, highest - SequenceGapTracker.RESTART_DISTANCE, highest + 1);
		assertThat(gaps("a")).isZero();
	}

	@Test
	void sourcesAreCountedApart() {
		track("a", 1, 3);
		track("b", 10, 20);
		track("a", 4);
		assertThat(gaps("a")).isEqualTo(1);
		assertThat(gaps("b")).isEqualTo(9);
	}

	@Test
	void tracksAtMostMaxSources() {
		track("a", 1, 3);
		track("b", 1, 3);
		track("c", 1, 3);
		track("d", 1, 3);
		assertThat(this.meters.find("consumer.pubsub.gaps").counters()).hasSize(3);
		assertThat(this.meters.find("consumer.pubsub.gaps").tag("source", "d").counter()).isNull();
		track("a", 5);
		assertThat(gaps("a")).isEqualTo(2);
	}

	@Test
	void zeroMaxSourcesTracksNothing() {
		SequenceGapTracker off = new SequenceGapTracker(this.meters, 0);
		off.track("a", 1);
		off.track("a", 9);
		assertThat(this.meters.find("consumer.pubsub.gaps").counters()).isEmpty();
	}

	@Test
	void tracksRejectedPubSubMessagesBySourceOrChannel() {
		receive("pubsub", "{\"type\":\"x\",\"seq\":1}");
		receive("pubsub", "{\"type\":\"x\",\"seq\":4}");
		receive("pubsub", "{\"type\":\"x\",\"seq\":1,\"source\":\"p\"}");
		receive("pubsub", "{\"specversion\":\"1.0\",\"type\":\"x\",\"id\":\"e\",\"source\":\"p\","
				+ "\"sequence\":\"3\",\"data\":{}}");
		assertThat(gaps("events")).isEqualTo(2);
		assertThat(gaps("p")).isEqualTo(1);
	}

	@Test
	void ignoresStreamsAndReplays() {
		for (String source : new String[] { "stream", InboundMessage.REPLAY_SOURCE }) {
			receive(source, "{\"type\":\"x\",\"seq\":1}");
			receive(source, "{\"type\":\"x\",\"seq\":9}");
		}
		assertThat(this.meters.find("consumer.pubsub.gaps").counters()).isEmpty();
	}

	private void receive(String source, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		assertThat(this.pipeline.stages().admit(new InboundMessage(body, source, "events", "events", Instant.now()), null)).isNull();
	}

	private void track(String source, long... numbers) {
		for (long number : numbers) {
			this.tracker.track(source, number);
		}
	}

	private double gaps(String source) {
		return this.meters.get("consumer.pubsub.gaps").tag("source", source).counter().count();
	}

}
