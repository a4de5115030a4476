package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At the highest nesting depth {@code consumer.json.max-nesting-depth} accepts (1,000), decoding
 * and binding an untyped member fit in a 512 KiB thread stack.
 */
class DeepNestingTests {

	private static final int MAX_CONFIGURABLE_DEPTH = 1000;

	@Test
	void bindsAnUntypedMemberNestedToTheHighestConfigurableDepthOnASmallStack() throws InterruptedException {
		JsonLimits limits = new JsonLimits(MAX_CONFIGURABLE_DEPTH, 100, 1024, 65_536, 65_536, 65_536);
		ProcessorFixture pipeline = ProcessorFixture.builder()
			.handlers(new TestHandler<>("deep", Deep.class))
			.decoder(new EnvelopeDecoder(MessageJson.create(limits), 65_536))
			.build();
		int inner = MAX_CONFIGURABLE_DEPTH - 2;
		String objects = "{\"a\":".repeat(inner / 2) + "[".repeat(inner - inner / 2) + "1" + "]".repeat(inner - inner / 2)
				+ "}".repeat(inner / 2);
		byte[] atLimit = ("{\"type\":\"deep\",\"value\":{\"v\":" + objects + "}}").getBytes(StandardCharsets.UTF_8);
		byte[] overLimit = ("{\"type\":\"deep\",\"value\":{\"v\":[" + objects + "]}}").getBytes(StandardCharsets.UTF_8);
		AtomicReference<Object> results = new AtomicReference<>();
		Thread thread = new Thread(null, () -> results.set(List.of(process(pipeline, atLimit), process(pipeline, overLimit))),
				"small-stack", 512 * 1024);
		thread.start();
		thread.join();
		pipeline.close();
		assertThat(results.get()).isEqualTo(List.of("processed", "rejected invalid_json"));
	}

	private static String process(ProcessorFixture pipeline, byte[] body) {
		Disposition disposition = pipeline
			.processHere(new InboundMessage(body, "pubsub", "deep", "deep", Instant.EPOCH));
		return disposition.outcome().tag() + ((disposition.reason() != null) ? " " + disposition.reason().code() : "");
	}

	/** A payload with an untyped member. */
	record Deep(Object value) {
	}

}
