package io.messageconsumer.tracing;

import java.time.Instant;
import java.util.Set;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.ReceiverContext;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.Envelope;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.message.TraceContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One observation per traced message, with the carried context readable by a propagating
 * receiver handler; with tracing off, no observation, only the carried trace id in the MDC.
 */
class MessageTracingTests {

	private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private final InboundMessage message = new InboundMessage(new byte[0], "pubsub", "orders.eu", "orders.*",
			Instant.EPOCH);

	@Test
	void observesAMessageAsAReceiverWhoseCarrierIsItsTraceContext() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		MessageTrace trace = new MessageTracing(registry).forTypes(Set.of("order"))
			.start(this.message, TraceContext.of(TRACEPARENT, "shop=1"));
		ReceiverContext<MessageReceiverContext> context;
		try (MessageTrace.Scope scope = trace.open()) {
			context = receiverContext(registry);
		}
		trace.stop(Disposition.handled(Outcome.PROCESSED, envelope(TRACEPARENT, null), 2));
		TestObservationRegistryAssert.assertThat(registry)
			.hasSingleObservationThat()
			.hasNameEqualTo("consumer.message.process")
			.hasContextualNameEqualTo("process orders.*")
			.hasBeenStarted()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("type", "order")
			.hasLowCardinalityKeyValue("outcome", "processed")
			.hasLowCardinalityKeyValue("reason", "none")
			.hasLowCardinalityKeyValue("source", "pubsub")
			.hasHighCardinalityKeyValue("id", "A-1")
			.hasHighCardinalityKeyValue("attempts", "2")
			.hasHighCardinalityKeyValue("channel", "orders.eu")
			.doesNotHaveError();
		assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isEqualTo(TRACEPARENT);
		assertThat(context.getGetter().get(context.getCarrier(), "tracestate")).isEqualTo("shop=1");
		assertThat(context.getGetter().get(context.getCarrier(), "b3")).isNull();
	}

	@Test
	void aMessageWithoutContextStillHasACarrierForThePropagator() {
		// Propagators (Brave's among them) refuse a null carrier: the message would get no span.
		TestObservationRegistry registry = TestObservationRegistry.create();
		MessageTrace trace = new MessageTracing(registry).start(this.message, null);
		ReceiverContext<MessageReceiverContext> context;
		try (MessageTrace.Scope scope = trace.open()) {
			context = receiverContext(registry);
		}
		assertThat(context.getCarrier()).isNotNull();
		assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isNull();
	}

	@Test
	void aTypeWithoutHandlerIsTaggedUnknownWhateverItsRejection() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		MessageTrace trace = new MessageTracing(registry).forTypes(Set.of("order")).start(this.message, null);
		trace.stop(new Disposition(Outcome.REJECTED, DeadLetterReason.INVALID_PAYLOAD, "bad data", "random-type-42",
				"A-1", null, 0));
		TestObservationRegistryAssert.assertThat(registry)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("type", "unknown")
			.hasLowCardinalityKeyValue("reason", "invalid_payload");
	}

	@Test
	void anUnknownTypeIsNotATag() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		MessageTrace trace = new MessageTracing(registry).start(this.message, TraceContext.of(null, null));
		trace.stop(Disposition.rejected(DeadLetterReason.UNKNOWN_TYPE, "no handler", envelope(null, null)));
		TestObservationRegistryAssert.assertThat(registry)
			.hasSingleObservationThat()
			.hasLowCardinalityKeyValue("type", "unknown")
			.hasLowCardinalityKeyValue("outcome", "rejected")
			.hasLowCardinalityKeyValue("reason", "unknown_type");
	}

	@Test
	void withTracingOffPutsOnlyTheCarriedTraceIdInTheMdc() {
		MessageTrace trace = MessageTracing.OFF.start(this.message, TraceContext.of(TRACEPARENT, null));
		try (MessageTrace.Scope scope = trace.open()) {
			assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		}
		assertThat(MDC.get("traceId")).isNull();
	}

	@Test
	void anObservationTurnedOffByAPredicateLeavesTheCarriedTraceId() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		registry.observationConfig().observationPredicate((name, context) -> !name.equals("consumer.message.process"));
		MessageTrace trace = new MessageTracing(registry).start(this.message, TraceContext.of(TRACEPARENT, null));
		try (MessageTrace.Scope scope = trace.open()) {
			assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		}
		TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
	}

	@Test
	void withTracingOffAMessageWithoutContextHasNoTrace() {
		assertThat(MessageTracing.OFF.start(this.message, TraceContext.of(null, null))).isSameAs(MessageTrace.NONE);
	}

	@Test
	void aMalformedTraceparentCarriesNoTraceId() {
		assertThat(CarriedTraceId.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
		assertThat(CarriedTraceId.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isNull();
		assertThat(CarriedTraceId.traceId("00-4bf92f3577b34da6a3ce929d0e0e473")).isNull();
		assertThat(CarriedTraceId.traceId("")).isNull();
		assertThat(CarriedTraceId.traceId(TRACEPARENT)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
	}

	@SuppressWarnings("unchecked")
	private static ReceiverContext<MessageReceiverContext> receiverContext(TestObservationRegistry registry) {
		assertThat(registry.getCurrentObservation()).isNotNull();
		return (ReceiverContext<MessageReceiverContext>) registry.getCurrentObservation().getContext();
	}

	private static Envelope envelope(String traceparent, String tracestate) {
		return new Envelope("order", "A-1", null, null, TraceContext.of(traceparent, tracestate), null);
	}

}
