package io.messageconsumer.decode;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.RejectedMessageException;
import io.messageconsumer.support.TestHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MessageRouterTests {

	private final TestHandler<Object> orders = new TestHandler<>("order", Object.class);

	private final TestHandler<Object> notifications = new TestHandler<>("notification", Object.class);

	private final MessageRouter router = new MessageRouter(
			Map.of("orderHandler", this.orders, "notificationHandler", this.notifications));

	@Test
	void routesOrderToOrderHandler() {
		assertThat(this.router.route("order")).isSameAs(this.orders);
	}

	@Test
	void routesNotificationToNotificationHandler() {
		assertThat(this.router.route("notification")).isSameAs(this.notifications);
	}

	@Test
	void listsKnownTypes() {
		assertThat(this.router.types()).containsExactlyInAnyOrder("order", "notification");
		assertThat(this.router.isKnown("order")).isTrue();
		assertThat(this.router.isKnown("refund")).isFalse();
		assertThat(this.router.isKnown(null)).isFalse();
	}

	@Test
	void rejectsUnknownTypeAsUnknownType() {
		assertUnknown("refund");
	}

	@Test
	void matchesTypeCaseSensitively() {
		assertUnknown("Order");
		assertUnknown("ORDER");
	}

	@Test
	void doesNotTrimType() {
		assertUnknown(" order");
		assertUnknown("order ");
	}

	@Test
	void escapesUnknownTypeInTheDetail() {
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class,
				() -> this.router.route("order\r\nFORGED"));
		assertThat(ex.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
		assertThat(ex.getMessage()).doesNotContain("\r", "\n").contains("order\\r\\nFORGED");
	}

	@Test
	void failsStartUpNamingBothBeansWhenTwoHandlersDeclareOneType() {
		Map<String, MessageHandler<?>> handlers = new LinkedHashMap<>();
		handlers.put("orderHandler", new TestHandler<>("order", Object.class));
		handlers.put("legacyOrderHandler", new TestHandler<>("order", Object.class));
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(handlers))
			.withMessageContaining("'orderHandler'")
			.withMessageContaining("'legacyOrderHandler'")
			.withMessageContaining("'order'");
	}

	@Test
	void acceptsHandlersWhoseTypesDifferOnlyInCase() {
		MessageRouter router = new MessageRouter(Map.of("a", new TestHandler<>("order", Object.class), "b", new TestHandler<>("Order", Object.class)));
		assertThat(router.types()).containsExactlyInAnyOrder("order", "Order");
	}

	@Test
	void failsStartUpWhenAHandlerDeclaresABlankType() {
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(Map.of("blankHandler", new TestHandler<>("  ", Object.class))))
			.withMessageContaining("'blankHandler'");
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(Map.of("nullHandler", new TestHandler<>(null, Object.class))))
			.withMessageContaining("'nullHandler'");
	}

	@Test
	void routingTableIsImmutable() {
		Map<String, MessageHandler<?>> handlers = new LinkedHashMap<>();
		handlers.put("orderHandler", this.orders);
		MessageRouter router = new MessageRouter(handlers);
		handlers.put("notificationHandler", this.notifications);
		assertThat(router.types()).containsExactly("order");
		assertUnknown(router, "notification");
	}

	private void assertUnknown(String type) {
		assertUnknown(this.router, type);
	}

	private static void assertUnknown(MessageRouter router, String type) {
		RejectedMessageException ex = catchThrowableOfType(RejectedMessageException.class, () -> router.route(type));
		assertThat(ex).as("routing '%s'", type).isNotNull();
		assertThat(ex.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
	}

}
