package io.messageconsumer.processing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.tracing.MessageTracing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's observation is current on the lane's worker while its handler runs (so the
 * handler's own observations are its children), spans its retries, and ends once, at settlement,
 * with the outcome.
 */
class MessageTraceScopeTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final List<Observation> currentInHandler = new ArrayList<>();

	private int failuresLeft;

	private final TestHandler<OrderMessage> orders = TestHandler.of("order", OrderMessage.class, (payload, context) -> {
		this.currentInHandler.add(this.registry.getCurrentObservation());
		if (this.failuresLeft-- > 0) {
			throw new IllegalStateException("downstream down");
		}
		return HandlerResult.PROCESSED;
	});

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.orders)
		.retry(3, Duration.ofMillis(1))
		.tracing(new MessageTracing(this.registry))
		.build();

	@AfterEach
	void close() {
		this.pipeline.close();
	}

	@Test
	void theHandlerRunsInTheMessagesObservation() {
		Disposition disposition = this.pipeline.process(order("A-1"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.currentInHandler).singleElement()
			.satisfies((observation) -> assertThat(observation.getContext().getName())
				.isEqualTo("consumer.message.process"));
		assertThat(this.registry.getCurrentObservation()).isNull();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "processed")
			.hasHighCardinalityKeyValue("id", "A-1");
	}

	@Test
	void retriesStayInOneObservationWhichRecordsTheFailure() {
		this.failuresLeft = 3;
		Disposition disposition = this.pipeline.process(order("A-2"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(this.currentInHandler).hasSize(3).doesNotContainNull().containsOnly(this.currentInHandler.get(0));
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasSingleObservationThat()
			.hasBeenStopped()
			.hasError()
			.hasLowCardinalityKeyValue("outcome", "failed")
			.hasLowCardinalityKeyValue("reason", "handler_failed")
			.hasHighCardinalityKeyValue("attempts", "3");
	}

	@Test
	void aMessageRejectedAtAdmissionEndsItsObservationToo() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"nope\",\"id\":\"x\"}"));
		assertThat(disposition.reason().code()).isEqualTo("unknown_type");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("type", "unknown")
			.hasLowCardinalityKeyValue("outcome", "rejected");
	}

	@Test
	void anEventRejectedWhileDecodingIsTracedUnderWhatItCarried() {
		Disposition disposition = this.pipeline.process(message("{\"specversion\":\"1.0\",\"type\":\"order\","
				+ "\"id\":\"x-1\",\"source\":\"/shop\",\"datacontenttype\":\"application/xml\",\"data\":\"<order/>\","
				+ "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}"));
		assertThat(disposition.reason().code()).isEqualTo("unsupported_content_type");
		assertThat(disposition.type()).isEqualTo("order");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "rejected")
			.hasLowCardinalityKeyValue("reason", "unsupported_content_type")
			.hasLowCardinalityKeyValue("type", "order")
			.hasHighCardinalityKeyValue("id", "x-1");
		assertThat(this.registry.getCurrentObservation()).isNull();
	}

	@Test
	void bytesThatAreNotAnEnvelopeStartNoObservation() {
		Disposition disposition = this.pipeline.process(message("{\"type\":"));
		assertThat(disposition.reason().code()).isEqualTo("invalid_json");
		TestObservationRegistryAssert.assertThat(this.registry).doesNotHaveAnyObservation();
	}

	private static InboundMessage order(String id) {
		return message("{\"type\":\"order\",\"id\":\"" + id + "\"}");
	}

	private static InboundMessage message(String json) {
		return new InboundMessage(json.getBytes(StandardCharsets.UTF_8), "pubsub", "orders", "orders", Instant.EPOCH);
	}

}
