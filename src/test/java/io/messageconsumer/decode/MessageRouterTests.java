package io.messageconsumer.decode;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.RejectedMessageException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MessageRouterTests {

	private final TypeHandler orders = new TypeHandler("order");

	private final TypeHandler notifications = new TypeHandler("notification");

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
		handlers.put("orderHandler", new TypeHandler("order"));
		handlers.put("legacyOrderHandler", new TypeHandler("order"));
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(handlers))
			.withMessageContaining("'orderHandler'")
			.withMessageContaining("'legacyOrderHandler'")
			.withMessageContaining("'order'");
	}

	@Test
	void acceptsHandlersWhoseTypesDifferOnlyInCase() {
		MessageRouter router = new MessageRouter(Map.of("a", new TypeHandler("order"), "b", new TypeHandler("Order")));
		assertThat(router.types()).containsExactlyInAnyOrder("order", "Order");
	}

	@Test
	void failsStartUpWhenAHandlerDeclaresABlankType() {
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(Map.of("blankHandler", new TypeHandler("  "))))
			.withMessageContaining("'blankHandler'");
		assertThatIllegalStateException().isThrownBy(() -> new MessageRouter(Map.of("nullHandler", new TypeHandler(null))))
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

	private record TypeHandler(String type) implements MessageHandler<Object> {

		@Override
		public Class<Object> payloadType() {
			return Object.class;
		}

		@Override
		public HandlerResult handle(Object message, MessageContext context) {
			return HandlerResult.PROCESSED;
		}

	}

}
