package io.messageconsumer.processing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.notification.NotificationMessage;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.failure.RetryBackOff;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.support.TestHandler;

import static io.messageconsumer.processing.RecordingListener.message;
import static org.assertj.core.api.Assertions.assertThat;

class MessagePipelineTests {

	private static final int MAX_ATTEMPTS = 3;

	private final TestHandler<Widget> widgets = new TestHandler<>("widget", Widget.class);

	private final TestHandler<OrderMessage> orders = new TestHandler<>("order", OrderMessage.class);

	private final TestHandler<NotificationMessage> notifications = new TestHandler<>("notification",
			NotificationMessage.class);

	private final RetryBackOff retryBackOff = new RetryBackOff(MAX_ATTEMPTS, Duration.ofMillis(1), 2.0,
			Duration.ofMillis(2));

	private final RecordingListener listener = new RecordingListener();

	private final List<ProcessorFixture> fixtures = new ArrayList<>();

	private final ProcessorFixture pipeline = pipeline(this.listener);

	@AfterEach
	void closeFixtures() {
		this.fixtures.forEach(ProcessorFixture::close);
	}

	@Test
	void warmsUpEveryTypeWithoutCallingHandlersOrListeners() {
		assertThat(this.pipeline.pipeline().warmUp().run(100)).isEqualTo(300);
		assertThat(this.widgets.calls()).isZero();
		assertThat(this.orders.calls()).isZero();
		assertThat(this.notifications.calls()).isZero();
		assertThat(this.listener.received()).isEmpty();
		assertThat(this.listener.outcomes()).isEmpty();
	}

	@Test
	void processesValidMessage() {
		InboundMessage message = message("{\"type\":\"widget\",\"id\":\"w-1\",\"name\":\"bolt\",\"quantity\":2}");
		Disposition disposition = this.pipeline.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(disposition.reason()).isNull();
		assertThat(disposition.detail()).isNull();
		assertThat(disposition.type()).isEqualTo("widget");
		assertThat(disposition.id()).isEqualTo("w-1");
		assertThat(disposition.attempts()).isEqualTo(1);
		assertThat(this.widgets.payloads).containsExactly(new Widget("bolt", 2));
		assertThat(this.listener.outcomeOf(message)).isEqualTo(disposition);
	}

	@Test
	void handsTheDeliveryMetadataToTheHandler() {
		InboundMessage message = new InboundMessage(
				"{\"type\":\"widget\",\"id\":\"w-1\",\"name\":\"bolt\",\"quantity\":2}".getBytes(StandardCharsets.UTF_8), "pubsub",
				"widgets.eu", "widgets.*", Instant.parse("2026-01-01T00:00:00Z"));
		this.pipeline.process(message);
		assertThat(this.widgets.contexts).containsExactly(
				new MessageContext("widget", "w-1", "pubsub", "widgets.eu", 1, Instant.parse("2026-01-01T00:00:00Z")));
	}

	@Test
	void bindsCloudEventDataAsThePayload() {
		InboundMessage message = message("{\"specversion\":\"1.0\",\"type\":\"widget\",\"source\":\"/s\",\"id\":\"e-1\","
				+ "\"time\":\"2026-11-24T10:00:00Z\",\"data\":{\"name\":\"nut\",\"quantity\":5}}");
		Disposition disposition = this.pipeline.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(disposition.id()).isEqualTo("e-1");
		assertThat(disposition.time()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
		assertThat(this.widgets.payloads).containsExactly(new Widget("nut", 5));
	}

	@Test
	void reportsDuplicateWhenTheHandlerSaysSo() {
		this.widgets.behaviour = (payload, context) -> HandlerResult.DUPLICATE;
		Disposition disposition = this.pipeline.process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.DUPLICATE);
		assertThat(disposition.reason()).isNull();
	}

	@Test
	void countsNullHandlerResultAsProcessed() {
		this.widgets.behaviour = (payload, context) -> null;
		Disposition disposition = this.pipeline.process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@Test
	void rejectsInvalidPayloadNamingTheViolatedFields() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"widget\",\"name\":\" \",\"quantity\":0}"));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.detail()).contains("quantity").contains("name");
		assertThat(disposition.type()).isEqualTo("widget");
		assertThat(this.widgets.calls()).isZero();
	}

	@Test
	void rejectsPayloadThatDoesNotBindAsInvalidPayload() {
		Disposition disposition = this.pipeline
			.process(message("{\"type\":\"order\",\"id\":\"o-1\",\"items\":[\"not an object\"]}"));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.id()).isEqualTo("o-1");
		assertThat(this.orders.calls()).isZero();
	}

	@Test
	void rejectsStringWhereArrayExpectedAsInvalidPayload() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"order\",\"id\":\"o-1\",\"items\":\"abc\"}"));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void rejectsNullForPrimitiveAsInvalidPayload() {
		Disposition disposition = this.pipeline
			.process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":null}"));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
	}

	@Test
	void escapesControlCharactersInBindingDetail() {
		Disposition disposition = this.pipeline
			.process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":\"x\\r\\nFORGED\"}"));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.detail()).doesNotContain("\r", "\n");
	}

	@Test
	void processesValidOrder() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"order\",\"id\":\"A-1001\","
				+ "\"customerId\":\"c-7\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":9.5}],"
				+ "\"total\":19.0,\"currency\":\"EUR\",\"unknownMember\":true}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		OrderMessage order = this.orders.payloads.get(0);
		assertThat(order.id()).isEqualTo("A-1001");
		assertThat(order.items()).containsExactly(new OrderMessage.Item("SKU-1", 2, new BigDecimal("9.5")));
		assertThat(order.total()).isEqualByComparingTo("19");
	}

	@Test
	void bindsDecimalsExactlyAsWritten() {
		this.pipeline.process(message("{\"type\":\"order\",\"id\":\"A-1002\",\"total\":19.50,"
				+ "\"items\":[{\"sku\":\"S\",\"quantity\":1,\"unitPrice\":0.1000000000000000000001}]}"));
		OrderMessage order = this.orders.payloads.get(0);
		assertThat(order.total().toPlainString()).isEqualTo("19.50");
		assertThat(order.items().get(0).unitPrice()).isEqualTo(new BigDecimal("0.1000000000000000000001"));
	}

	@Test
	void ordersCloudEventsByTheirDataMember() {
		Delivery delivery = this.pipeline.stages().admit(message("{\"specversion\":\"1.0\",\"type\":\"order\","
				+ "\"id\":\"e-1\",\"data\":{\"total\":1,\"id\":\"A-1003\"}}"), null);
		assertThat(delivery.key()).isEqualTo("A-1003");
		assertThat(this.pipeline.stages().attempt(delivery).disposition().outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads.get(0).id()).isEqualTo("A-1003");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidOrders")
	void rejectsInvalidOrderNamingTheField(String json, String field) {
		Disposition disposition = this.pipeline.process(message(json));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.detail()).contains(field);
		assertThat(this.orders.calls()).isZero();
	}

	static Stream<Arguments> invalidOrders() {
		return Stream.of(Arguments.of("{\"type\":\"order\"}", "id"),
				Arguments.of("{\"type\":\"order\",\"id\":\"  \"}", "id"),
				Arguments.of("{\"type\":\"order\",\"id\":\"" + "x".repeat(129) + "\"}", "id"),
				Arguments.of("{\"type\":\"order\",\"id\":\"q\",\"items\":[{\"sku\":\"S\",\"quantity\":0}]}",
						"items[0].quantity"),
				Arguments.of("{\"type\":\"order\",\"id\":\"q\",\"items\":[{\"sku\":\"S\"}]}", "items[0].quantity"),
				Arguments.of("{\"type\":\"order\",\"id\":\"p\",\"items\":[{\"sku\":\"S\",\"quantity\":1,"
						+ "\"unitPrice\":-1}]}", "items[0].unitPrice"),
				Arguments.of("{\"type\":\"order\",\"id\":\"n\",\"items\":[null]}", "items[0]"),
				Arguments.of("{\"type\":\"order\",\"id\":\"t\",\"total\":-1}", "total"),
				Arguments.of("{\"type\":\"order\",\"id\":\"c\",\"currency\":\"eur\"}", "currency"),
				Arguments.of("{\"type\":\"order\",\"id\":\"c\",\"currency\":\"EURO\"}", "currency"));
	}

	@Test
	void acceptsOrderIdOfTheMaximumLength() {
		String id = "x".repeat(128);
		Disposition disposition = this.pipeline.process(message("{\"type\":\"order\",\"id\":\"" + id + "\"}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidNotifications")
	void rejectsInvalidNotificationNamingTheMessageField(String json) {
		Disposition disposition = this.pipeline.process(message(json));
		assertRejected(disposition, DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.detail()).contains("message");
		assertThat(this.notifications.calls()).isZero();
	}

	static Stream<String> invalidNotifications() {
		return Stream.of("{\"type\":\"notification\",\"id\":\"n\"}",
				"{\"type\":\"notification\",\"message\":\"   \"}",
				"{\"type\":\"notification\",\"message\":\"" + "m".repeat(10_001) + "\"}");
	}

	@Test
	void acceptsNotificationOfTheMaximumLength() {
		Disposition disposition = this.pipeline
			.process(message("{\"type\":\"notification\",\"message\":\"" + "m".repeat(10_000) + "\"}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.notifications.payloads.get(0).message()).hasSize(10_000);
	}

	@Test
	void rejectsUnknownTypeKeepingTheTypeAndId() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"refund\",\"id\":\"r-1\"}"));
		assertRejected(disposition, DeadLetterReason.UNKNOWN_TYPE);
		assertThat(disposition.type()).isEqualTo("refund");
		assertThat(disposition.id()).isEqualTo("r-1");
	}

	@Test
	void rejectsUndecodableMessageWithoutTypeOrId() {
		Disposition disposition = this.pipeline.process(message("{\"type\":\"widget\""));
		assertRejected(disposition, DeadLetterReason.INVALID_JSON);
		assertThat(disposition.type()).isNull();
		assertThat(disposition.id()).isNull();
	}

	@Test
	void retriesAFailingHandlerAndProcessesOnALaterAttempt() {
		this.widgets.behaviour = (payload, context) -> {
			if (context.attempt() < 3) {
				throw new IllegalStateException("not yet");
			}
			return HandlerResult.PROCESSED;
		};
		Disposition disposition = this.pipeline.process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}"));
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.widgets.contexts).extracting(MessageContext::attempt).containsExactly(1, 2, 3);
	}

	@Test
	void failsAsHandlerFailedAfterMaxAttempts() {
		this.widgets.behaviour = (payload, context) -> {
			throw new IllegalStateException("downstream is down");
		};
		InboundMessage message = message("{\"type\":\"widget\",\"id\":\"w-9\",\"name\":\"a\",\"quantity\":1}");
		Disposition disposition = this.pipeline.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
		assertThat(disposition.attempts()).isEqualTo(MAX_ATTEMPTS);
		assertThat(disposition.detail()).contains("downstream is down");
		assertThat(disposition.type()).isEqualTo("widget");
		assertThat(disposition.id()).isEqualTo("w-9");
		assertThat(this.widgets.calls()).isEqualTo(MAX_ATTEMPTS);
		assertThat(this.listener.outcomeOf(message)).isEqualTo(disposition);
	}

	@Test
	void handlerOverflowingTheStackStillYieldsExactlyOneOutcome() {
		this.widgets.behaviour = (payload, context) -> {
			recurse(0);
			return HandlerResult.PROCESSED;
		};
		InboundMessage message = message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}");
		Disposition disposition = this.pipeline.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
		assertThat(disposition.attempts()).isEqualTo(MAX_ATTEMPTS);
		assertThat(this.listener.outcomesOf(message)).hasSize(1);
	}

	@Test
	void handlerOverflowingTheStackWithoutRetryStillYieldsExactlyOneOutcome() {
		this.widgets.behaviour = (payload, context) -> {
			throw new StackOverflowError();
		};
		ProcessorFixture direct = track(ProcessorFixture.builder()
			.handlers(this.widgets, this.orders, this.notifications)
			.listeners(this.listener)
			.build());
		InboundMessage message = message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}");
		Disposition disposition = direct.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(this.listener.outcomesOf(message)).hasSize(1);
	}

	@Test
	void handlerThrowingAnErrorStillYieldsExactlyOneOutcome() {
		// A handler bug such as a failed assert, NoClassDefFoundError or ExceptionInInitializerError
		// must still end the message as failed (and so dead-lettered), not lose it silently.
		this.widgets.behaviour = (payload, context) -> {
			throw new AssertionError("handler bug");
		};
		InboundMessage message = message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}");
		Disposition disposition = null;
		try {
			disposition = this.pipeline.process(message);
		}
		catch (Error ex) {
			// fall through to the assertion below, which reports the missing outcome
		}
		assertThat(this.listener.outcomesOf(message)).hasSize(1);
		assertThat(disposition).isNotNull();
		assertThat(disposition.outcome()).isEqualTo(Outcome.FAILED);
	}

	@Test
	void listenerThatThrowsDoesNotStopOtherListeners() {
		PipelineListener throwing = new PipelineListener() {

			@Override
			public void onReceived(InboundMessage message) {
				throw new IllegalStateException("broken listener");
			}

			@Override
			public void onOutcome(InboundMessage message, Disposition disposition) {
				throw new IllegalStateException("broken listener");
			}

		};
		RecordingListener after = new RecordingListener();
		ProcessorFixture pipeline = pipeline(throwing, after);
		InboundMessage message = message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}");
		Disposition disposition = pipeline.process(message);
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(after.received()).containsExactly(message);
		assertThat(after.outcomeOf(message)).isEqualTo(disposition);
	}

	@Test
	void tellsListenersInTheirOrder() {
		List<String> calls = new CopyOnWriteArrayList<>();
		PipelineListener first = (message, disposition) -> calls.add("first");
		PipelineListener second = (message, disposition) -> calls.add("second");
		pipeline(first, second).process(message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}"));
		assertThat(calls).containsExactly("first", "second");
	}

	@Test
	void recordsExplicitRejectionWithItsReason() {
		InboundMessage message = message("{\"type\":\"widget\",\"name\":\"a\",\"quantity\":1}");
		this.pipeline.stages().reject(message, DeadLetterReason.OVERFLOW, "buffer full");
		Disposition disposition = this.listener.outcomeOf(message);
		assertRejected(disposition, DeadLetterReason.OVERFLOW);
		assertThat(disposition.detail()).isEqualTo("buffer full");
		assertThat(this.widgets.calls()).isZero();
	}

	@Test
	void explicitRejectionKeepsTheTypeAndIdOfAMessageThatDecodes() {
		InboundMessage message = message("{\"type\":\"order\",\"id\":\"o-7\",\"total\":1.0}");
		this.pipeline.stages().reject(message, DeadLetterReason.MAX_DELIVERIES, "delivered 4 times");
		Disposition disposition = this.listener.outcomeOf(message);
		assertRejected(disposition, DeadLetterReason.MAX_DELIVERIES);
		assertThat(disposition.type()).isEqualTo("order");
		assertThat(disposition.id()).isEqualTo("o-7");
		assertThat(this.orders.calls()).isZero();
	}

	@Test
	void explicitRejectionOfAMessageThatDoesNotDecodeHasNoTypeOrId() {
		InboundMessage message = message("{\"type\":\"order\"");
		this.pipeline.stages().reject(message, DeadLetterReason.MAX_DELIVERIES, "delivered 4 times");
		Disposition disposition = this.listener.outcomeOf(message);
		assertRejected(disposition, DeadLetterReason.MAX_DELIVERIES);
		assertThat(disposition.type()).isNull();
		assertThat(disposition.id()).isNull();
	}

	@Test
	void givesEveryMessageExactlyOneOutcome() {
		this.widgets.behaviour = (payload, context) -> {
			if ("fail".equals(payload.name())) {
				throw new IllegalStateException("fail");
			}
			return "dup".equals(payload.name()) ? HandlerResult.DUPLICATE : HandlerResult.PROCESSED;
		};
		List<InboundMessage> messages = new ArrayList<>();
		for (String json : List.of("{\"type\":\"widget\",\"name\":\"ok\",\"quantity\":1}",
				"{\"type\":\"widget\",\"name\":\"dup\",\"quantity\":1}",
				"{\"type\":\"widget\",\"name\":\"fail\",\"quantity\":1}",
				"{\"type\":\"widget\",\"name\":\"ok\",\"quantity\":0}", "{\"type\":\"refund\"}", "{\"id\":1}", "[]",
				"{", "", "{\"type\":\"order\",\"id\":\"o\",\"items\":7}")) {
			messages.add(message(json));
		}
		for (InboundMessage message : messages) {
			this.pipeline.process(message);
		}
		assertThat(this.listener.received()).hasSameSizeAs(messages);
		assertThat(this.listener.outcomes()).hasSameSizeAs(messages);
		assertThat(messages).map(this.listener::outcomeOf)
			.extracting(Disposition::outcome)
			.containsExactly(Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.FAILED, Outcome.REJECTED, Outcome.REJECTED,
					Outcome.REJECTED, Outcome.REJECTED, Outcome.REJECTED, Outcome.REJECTED, Outcome.REJECTED);
		assertThat(messages).map(this.listener::outcomeOf)
			.extracting(Disposition::reason)
			.containsExactly(null, null, DeadLetterReason.HANDLER_FAILED, DeadLetterReason.INVALID_PAYLOAD,
					DeadLetterReason.UNKNOWN_TYPE, DeadLetterReason.MISSING_TYPE, DeadLetterReason.NOT_AN_OBJECT,
					DeadLetterReason.INVALID_JSON, DeadLetterReason.INVALID_JSON, DeadLetterReason.INVALID_PAYLOAD);
	}

	private ProcessorFixture pipeline(PipelineListener... listeners) {
		return track(ProcessorFixture.builder()
			.handlers(this.widgets, this.orders, this.notifications)
			.retry(this.retryBackOff)
			.listeners(listeners)
			.build());
	}

	private ProcessorFixture track(ProcessorFixture fixture) {
		this.fixtures.add(fixture);
		return fixture;
	}

	private static void assertRejected(Disposition disposition, DeadLetterReason reason) {
		assertThat(disposition.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(disposition.reason()).as(String.valueOf(disposition.detail())).isEqualTo(reason);
		assertThat(disposition.attempts()).isZero();
	}

	private static int recurse(int depth) {
		return recurse(depth + 1) + 1;
	}

	record Widget(@NotBlank String name, @Positive int quantity) {
	}

}
