package io.messageconsumer.processing;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.validation.Validation;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.notification.NotificationMessage;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.Disposition;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes decoding, routing, binding and validation: whatever the bytes, the pipeline returns one
 * disposition, tells the listener exactly once, allocates less than 16 MB doing it, and nothing (no
 * exception, no {@link StackOverflowError}, no {@link OutOfMemoryError}) escapes or reaches its
 * catch-all.
 * <p>
 * In {@code ./mvnw verify} it replays the seeds and findings under
 * {@code src/test/resources/io/messageconsumer/routing/MessagePipelineFuzzTestsInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see docs/testing.md for the command).
 */
class MessagePipelineFuzzTests {

	static final int MAX_BYTES = 2048;

	private static final Set<DeadLetterReason> INPUT_REASONS = EnumSet.of(DeadLetterReason.TOO_LARGE,
			DeadLetterReason.INVALID_ENCODING, DeadLetterReason.INVALID_JSON, DeadLetterReason.NOT_AN_OBJECT,
			DeadLetterReason.MISSING_TYPE, DeadLetterReason.UNKNOWN_TYPE, DeadLetterReason.INVALID_PAYLOAD);

	/** What the pipeline's catch-all writes: the text of an exception nobody expected. */
	private static final Pattern UNEXPECTED = Pattern
		.compile("^[a-z][a-z0-9_]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+(Exception|Error)\\b.*", Pattern.DOTALL);


	private static final RecordingListener listener = new RecordingListener();

	private static final ProcessorFixture pipeline = ProcessorFixture.builder()
		.handlers(new NoOpHandler<>("order", OrderMessage.class),
				new NoOpHandler<>("notification", NotificationMessage.class),
				new NoOpHandler<>("anything", Anything.class))
		.listeners(listener)
		.maxBytes(MAX_BYTES)
		.build();

	/**
	 * Whether Jazzer is fuzzing: its coverage instrumentation and hooks then allocate on the
	 * message's thread too (41 MB for an order with a 47-digit total that allocates little when
	 * replayed), so the allocation bound is checked when the corpus is replayed only.
	 */
	private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null
			&& !System.getenv("JAZZER_FUZZ").isEmpty() && !"0".equals(System.getenv("JAZZER_FUZZ"));

	/** Most bytes one message may allocate while it is decoded, bound and validated. */
	static final long MAX_ALLOCATION = 16L * 1024 * 1024;

	private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	static {
		// First uses build caches (Jackson deserializers, Bean Validation metadata): not per-message costs.
		for (String warmUp : List.of("{\"type\":\"order\",\"id\":\"w\",\"items\":[{\"sku\":\"s\",\"quantity\":1}]}",
				"{\"type\":\"notification\",\"message\":\"m\"}", "{\"type\":\"anything\",\"value\":[{}]}",
				"{\"type\":\"order\"}", "[", "{\"type\":\"order\",\"total\":-1,\"id\":\"x\"}")) {
			pipeline.processHere(new InboundMessage(warmUp.getBytes(StandardCharsets.UTF_8), "pubsub", "orders", "orders",
					Instant.EPOCH));
		}
		listener.clear();
	}

	@FuzzTest(maxDuration = "5m")
	void everyInputEndsInOneDisposition(byte[] body) {
		InboundMessage message = new InboundMessage(body, "pubsub", "orders", "orders", Instant.EPOCH);
		Disposition disposition = pipeline.processHere(message);
		// Measured on a second pass: the first may load (and, when fuzzing, instrument) classes.
		long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
		pipeline.processHere(new InboundMessage(body, "pubsub", "orders", "orders", Instant.EPOCH));
		long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
		if (!FUZZING) {
			assertThat(allocated).as("bytes allocated for a message of %d bytes", body.length)
				.isLessThan(MAX_ALLOCATION);
		}
		assertThat(disposition).isNotNull();
		assertThat(listener.outcomeOf(message)).isSameAs(disposition);
		listener.clear();
		if (disposition.outcome() == Outcome.PROCESSED) {
			assertThat(body).hasSizeLessThanOrEqualTo(MAX_BYTES);
			assertThat(List.of("order", "notification", "anything")).contains(disposition.type());
			return;
		}
		assertThat(disposition.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(disposition.reason()).isIn(INPUT_REASONS);
		assertThat(disposition.reason() == DeadLetterReason.TOO_LARGE).isEqualTo(body.length > MAX_BYTES);
		assertThat(disposition.detail()).isNotNull().hasSizeLessThanOrEqualTo(1024).doesNotContain("\r", "\n")
			.doesNotMatch(UNEXPECTED);
	}

	/** A payload with an untyped member: whatever JSON is bound to maps, lists and scalars only. */
	record Anything(Object value, Map<String, Object> attributes) {

		Anything {
			if (value != null && !isPlainJson(value)) {
				throw new AssertionError("bound a " + value.getClass() + " from the wire");
			}
		}

		private static boolean isPlainJson(Object value) {
			return value instanceof String || value instanceof Number || value instanceof Boolean
					|| value instanceof Map || value instanceof List;
		}

	}

	private record NoOpHandler<T>(String type, Class<T> payloadType) implements MessageHandler<T> {

		@Override
		public HandlerResult handle(T message, MessageContext context) {
			return HandlerResult.PROCESSED;
		}

	}

}
