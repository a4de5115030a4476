package io.messageconsumer.decode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.support.CloudEventsSdk;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events the official {@code cloudevents} JavaScript SDK 10 writes in structured mode
 * ({@link CloudEventsSdk}),
 * each decoded and handled as the order it carries.
 */
class CloudEventsSdkTests {

	private final TestHandler<OrderMessage> orders = new TestHandler<>("order", OrderMessage.class);

	private final ProcessorFixture pipeline = ProcessorFixture.builder().handlers(this.orders).build();

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(65_536), 65_536);

	@AfterEach
	void closePipeline() {
		this.pipeline.close();
	}

	@Test
	void handlesObjectData() {
		assertThat(process("object-data").outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads).containsExactly(new OrderMessage("sdk-object-1", "c-7",
				List.of(new OrderMessage.Item("SKU-1", 2, new BigDecimal("9.5"))), new BigDecimal("19"), "EUR"));
	}

	@Test
	void handlesBinaryDataSentAsDataBase64() {
		Disposition disposition = process("binary-data");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(disposition.id()).isEqualTo("sdk-binary-1");
		assertThat(this.orders.payloads)
			.containsExactly(new OrderMessage("sdk-binary-1", null, null, new BigDecimal("4.5"), "EUR"));
	}

	@Test
	void handlesDataBase64WithAJsonContentType() {
		assertThat(process("json-data-base64").outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads)
			.containsExactly(new OrderMessage("sdk-base64-1", null, null, new BigDecimal("7"), "EUR"));
	}

	@Test
	void tracksANumericSequenceExtension() {
		assertThat(decode("numeric-sequence").sequence()).isEqualTo(new Envelope.Sequence("/shop", 5));
		assertThat(process("numeric-sequence").outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@Test
	void keepsTheTraceContextExtension() {
		Envelope envelope = decode("traceparent");
		assertThat(envelope.trace().traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		assertThat(envelope.trace().tracestate()).isEqualTo("vendor=value");
		assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
		assertThat(process("traceparent").outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@Test
	void rejectsXmlDataAsUnsupportedContentTypeKeepingTypeAndId() {
		Disposition disposition = process("xml-data");
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.UNSUPPORTED_CONTENT_TYPE);
		assertThat(disposition.type()).isEqualTo("order");
		assertThat(disposition.id()).isEqualTo("sdk-xml-1");
		assertThat(this.orders.payloads).isEmpty();
	}

	private Disposition process(String event) {
		return this.pipeline.processHere(new InboundMessage(fixture(event), "pubsub", "orders", "orders", Instant.EPOCH));
	}

	private Envelope decode(String event) {
		return this.decoder.decode(fixture(event));
	}

	private static byte[] fixture(String name) {
		return CloudEventsSdk.event(name).getBytes(StandardCharsets.UTF_8);
	}

}
