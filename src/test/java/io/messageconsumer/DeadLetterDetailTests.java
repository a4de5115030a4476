package io.messageconsumer;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.PubSubSourceContractTests.Malformed;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.notification.NotificationMessage;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every input of the {@link MalformedCorpus} gets its reason and a detail in the service's own
 * words: never a parser's class names, configuration features or source-location boilerplate.
 */
class DeadLetterDetailTests {

	private static final List<String> LIBRARY_WORDS = List.of("Feature", "enable", "REDACTED", "Source:",
			"tools.jackson", "JsonToken", "coercion", "CoercionConfig", "StreamReadConstraints", "java.lang", "`");

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(new TestHandler<>("order", OrderMessage.class),
				new TestHandler<>("notification", NotificationMessage.class))
		.maxBytes(65_536)
		.build();

	@AfterEach
	void closePipeline() {
		this.pipeline.close();
	}

	@Test
	void describesEveryMalformedInputInTheServicesOwnWords() {
		for (Malformed input : MalformedCorpus.inputs()) {
			Disposition disposition = this.pipeline
				.processHere(new InboundMessage(input.bytes(), "pubsub", "orders", "orders", Instant.EPOCH));
			assertThat(disposition.reason().code()).as(input.name()).isEqualTo(input.reason());
			assertThat(disposition.detail()).as(input.name()).isNotBlank().doesNotContain(LIBRARY_WORDS);
		}
	}

}
