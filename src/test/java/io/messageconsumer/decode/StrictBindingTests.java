package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.notification.NotificationMessage;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record fields bind without coercion between JSON types, and an {@code id} may be a JSON integer
 * that fits a long; whatever does not bind is {@code invalid_payload} naming the field.
 */
class StrictBindingTests {

	private final TestHandler<OrderMessage> orders = new TestHandler<>("order", OrderMessage.class);

	private final TestHandler<NotificationMessage> notifications = new TestHandler<>("notification",
			NotificationMessage.class);

	private final TestHandler<Flags> flags = new TestHandler<>("flags", Flags.class);

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.orders, this.notifications, this.flags)
		.build();

	@AfterEach
	void closePipeline() {
		this.pipeline.close();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			{"type":"order","id":"A-1","total":"19.00"}                  | field total: expected a number, got a string
			{"type":"order","id":"A-1","total":""}                       | field total: expected a number, got an empty string
			{"type":"order","id":"A-1","total":true}                     | field total: expected a number, got a boolean
			{"type":"order","id":true}                                   | field id: expected a string, got a boolean
			{"type":"order","id":1.5}                                    | field id: expected a string, got a number with a fraction or exponent
			{"type":"order","id":12345678901234567890123}                | field id: an integer id must fit a long (at most 19 digits); send ids this large as strings
			{"type":"order","id":{"v":1}}                                | field id: expected a string, got an object
			{"type":"order","id":"A-1","customerId":7}                   | field customerId: expected a string, got an integer
			{"type":"order","id":"A-1","items":"abc"}                    | field items: expected an array, got a string
			{"type":"order","id":"A-1","items":["abc"]}                  | field items[0]: expected an object, got a string
			{"type":"order","id":"A-1","items":[{"sku":"S","quantity":"5"}]}   | field items[0].quantity: expected an integer, got a string
			{"type":"order","id":"A-1","items":[{"sku":"S","quantity":1.5}]}   | field items[0].quantity: expected an integer, got a number with a fraction or exponent
			{"type":"order","id":"A-1","items":[{"sku":"S","quantity":true}]}  | field items[0].quantity: expected an integer, got a boolean
			{"type":"order","id":"A-1","items":[{"sku":"S","quantity":99999999999}]} | field items[0].quantity: integer out of range, expected -2147483648 to 2147483647
			{"type":"notification","message":42}                         | field message: expected a string, got an integer
			{"type":"notification","message":true}                       | field message: expected a string, got a boolean
			{"type":"notification","message":["hi"]}                     | field message: expected a string, got an array
			{"type":"flags","enabled":1}                                 | field enabled: expected true or false, got an integer
			{"type":"flags","enabled":"true"}                            | field enabled: expected true or false, got a string
			{"type":"flags","enabled":null}                              | field enabled: expected true or false, got null
			{"type":"flags"}                                             | field enabled: expected true or false, got nothing (the member is missing)
			""")
	void rejectsAValueOfAnotherJsonTypeNamingTheField(String json, String detail) {
		Disposition disposition = process(json);
		assertThat(disposition.reason()).isEqualTo(DeadLetterReason.INVALID_PAYLOAD);
		assertThat(disposition.detail()).isEqualTo(detail);
		assertThat(this.orders.payloads).isEmpty();
		assertThat(this.notifications.payloads).isEmpty();
	}

	@Test
	void takesAnIntegerIdThatFitsALongAsItsDecimalText() {
		for (String id : List.of("9000", "0", "-5", "9223372036854775807")) {
			Disposition disposition = process("{\"type\":\"order\",\"id\":" + id + ",\"total\":1}");
			assertThat(disposition.outcome()).as(id).isEqualTo(Outcome.PROCESSED);
			assertThat(disposition.id()).isEqualTo(id);
		}
		assertThat(this.orders.payloads).extracting(OrderMessage::id)
			.containsExactly("9000", "0", "-5", "9223372036854775807");
		assertThat(process("{\"type\":\"notification\",\"id\":9001,\"message\":\"hi\"}").outcome())
			.isEqualTo(Outcome.PROCESSED);
		assertThat(this.notifications.payloads).extracting(NotificationMessage::id).containsExactly("9001");
	}

	@Test
	void takesAnIntegerIdInsideCloudEventsDataToo() {
		Disposition disposition = process("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/s\",\"id\":42,"
				+ "\"data\":{\"id\":9000,\"total\":19}}");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(disposition.id()).isEqualTo("42");
		assertThat(this.orders.payloads).extracting(OrderMessage::id).containsExactly("9000");
	}

	@Test
	void takesIntegersForNumbersAndStringsForStrings() {
		Disposition disposition = process("{\"type\":\"order\",\"id\":\"A-1\",\"customerId\":\"c-7\",\"items\":[{\"sku\":"
				+ "\"S\",\"quantity\":2,\"unitPrice\":9}],\"total\":19,\"currency\":\"EUR\"}");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads.get(0).total()).isEqualByComparingTo("19");
	}

	@Test
	void namesTheFieldOfAFailedConstraint() {
		assertThat(process("{\"type\":\"order\"}").detail()).isEqualTo("id: must not be blank");
	}

	private Disposition process(String json) {
		return this.pipeline.processHere(new InboundMessage(json.getBytes(StandardCharsets.UTF_8), "pubsub", "orders",
				"orders", Instant.EPOCH));
	}

	/** A payload with a primitive boolean. */
	record Flags(boolean enabled) {
	}

}
