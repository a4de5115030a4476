package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.processing.ProcessorFixture;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message mapper takes no class names from the wire: no default typing, a gadget's
 * {@code @class} is an unknown member, and {@code type} selects a payload record only through
 * the handler registry.
 */
class MessageJsonSecurityTests {

	private final JsonMapper mapper = MessageJson.create(65_536);

	private final TestHandler<OrderMessage> orders = new TestHandler<>("order", OrderMessage.class);

	private final TestHandler<Untyped> untyped = new TestHandler<>("untyped", Untyped.class);

	private final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(this.orders, this.untyped)
		.decoder(new EnvelopeDecoder(this.mapper, 65_536))
		.build();

	@AfterEach
	void closePipeline() {
		this.pipeline.close();
	}

	@Test
	void hasNoDefaultTyping() {
		for (Class<?> type : List.of(Object.class, Map.class, List.class, OrderMessage.class, Untyped.class)) {
			JavaType javaType = this.mapper.constructType(type);
			assertThat(this.mapper.deserializationConfig().getDefaultTyper(javaType)).as("default typer for %s", type)
				.isNull();
			assertThat(this.mapper.serializationConfig().getDefaultTyper(javaType)).isNull();
		}
	}

	@Test
	void readsAClassMemberIntoAnUntypedValueAsAPlainMap() {
		Object value = this.mapper.readValue(
				utf8("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}"), Object.class);
		assertThat(value).isInstanceOf(Map.class);
		assertThat(((Map<?, ?>) value).get("@class")).isEqualTo("java.lang.ProcessBuilder");
	}

	@Test
	void readsAWrapperArrayWithAClassNameAsAPlainList() {
		Object value = this.mapper.readValue(utf8("[\"java.util.HashMap\",{\"@class\":\"java.lang.ProcessBuilder\"}]"),
				Object.class);
		assertThat(value).isInstanceOf(List.class);
		assertThat((List<?>) value).first().isEqualTo("java.util.HashMap");
		assertThat(((List<?>) value).get(1)).isInstanceOf(Map.class);
	}

	@Test
	void ignoresAGadgetClassMemberOnAnOrder() {
		Disposition disposition = process("{\"type\":\"order\",\"id\":\"g-1\",\"@class\":\"java.lang.ProcessBuilder\","
				+ "\"command\":[\"touch\",\"/tmp/pwned\"],\"items\":[{\"@class\":\"java.lang.Runtime\",\"sku\":\"S\",\"quantity\":1}]}");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads).singleElement().isInstanceOf(OrderMessage.class);
		assertThat(((OrderMessage) this.orders.payloads.get(0)).items()).singleElement()
			.isInstanceOf(OrderMessage.Item.class);
	}

	@Test
	void bindsGadgetsInUntypedMembersToMapsListsAndScalarsOnly() {
		Disposition disposition = process("{\"type\":\"untyped\",\"value\":[\"java.util.HashMap\",{\"@class\":"
				+ "\"java.lang.ProcessBuilder\",\"command\":[\"id\"]}],\"attributes\":{\"@type\":\"java.net.URL\","
				+ "\"x\":{\"@class\":\"javax.naming.InitialContext\"}}}");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		Untyped payload = (Untyped) this.untyped.payloads.get(0);
		assertThat(payload.value()).isInstanceOf(List.class);
		assertThat(((List<?>) payload.value()).get(1)).isInstanceOf(Map.class);
		assertThat(payload.attributes().get("x")).isInstanceOf(Map.class);
	}

	@Test
	void aClassNameAsTypeIsAnUnknownType() {
		for (String type : List.of("java.lang.ProcessBuilder", "io.messageconsumer.order.OrderMessage", "OrderMessage")) {
			Disposition disposition = process("{\"type\":\"" + type + "\",\"id\":\"x\"}");
			assertThat(disposition.reason()).as(type).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
		}
		assertThat(this.orders.payloads).isEmpty();
	}

	@Test
	void aClassMemberInTheCloudEventsDataIsIgnored() {
		Disposition disposition = process("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e-1\",\"source\":\"/s\","
				+ "\"data\":{\"@class\":\"java.lang.ProcessBuilder\",\"id\":\"e-1\"}}");
		assertThat(disposition.outcome()).isEqualTo(Outcome.PROCESSED);
		assertThat(this.orders.payloads).singleElement().isEqualTo(new OrderMessage("e-1", null, null, null, null));
	}

	private Disposition process(String json) {
		return this.pipeline.processHere(new InboundMessage(utf8(json), "pubsub", "orders", "orders", Instant.EPOCH));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** A payload with untyped members. */
	record Untyped(Object value, Map<String, Object> attributes) {
	}

}
