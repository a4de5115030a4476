package io.messageconsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.StreamEntries;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source contract over streams, and what only streams have: the consumer group created,
 * entries acknowledged only once their outcome is recorded, entries of a dead consumer claimed,
 * an entry delivered too often dead-lettered, a consumer gone for good removed from the group, an
 * entry without a {@code payload} field dead-lettered whole.
 */
@TestPropertySource(properties = { "consumer.mode=stream",
		"consumer.streams.keys=orders-stream,notifications-stream,poison-stream,slow-stream",
		"consumer.streams.group=workers", "consumer.streams.consumer-name=replica-a",
		"consumer.streams.claim-min-idle=1s", "consumer.streams.max-deliveries=3", "consumer.streams.block=200ms",
		"consumer.retry.initial-backoff=1ms", "consumer.concurrency=2" })
@TestHandlers
class StreamSourceContractTests extends SourceContractTests {

	/** What another replica's claim would take: entries idle for a second. */
	private static final RedisScript<Long> RIVAL_CLAIM = RedisScript.of("""
			local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], 'rival', 1000, '0-0', 'COUNT', 1000)
			return #claimed[2]""", Long.class);

	/** XADD with the fields in the order given, names and values in turn. */
	private static final RedisScript<String> ADD_FIELDS = RedisScript
		.of("return redis.call('XADD', KEYS[1], '*', unpack(ARGV))", String.class);

	@Override
	protected Source source() {
		return Source.stream("workers");
	}

	@Override
	protected void assertSourceDetails(JsonNode details) {
		JsonNode streams = details.path("sources").path("stream").path("streams");
		assertThat(streams.path("orders-stream").path("reading").asBoolean()).isTrue();
		assertThat(streams.path("notifications-stream").path("reading").asBoolean()).isTrue();
		assertThat(streams.path("orders-stream").path("pending").isNumber()).isTrue();
		assertThat(streams.path("orders-stream").path("lag").isNumber()).isTrue();
		// Only what stream mode consumes: the streams, no pub/sub channels or patterns.
		assertThat(details.path("streams").toString()).contains("orders-stream", "notifications-stream");
		assertThat(details.has("channels")).isFalse();
		assertThat(details.has("patterns")).isFalse();
	}

	@Test
	void handlesEntriesAndAcknowledgesThemOnceHandled() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			String id = uniqueId();
			ids.add(id);
			add("orders-stream", order(id));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(this.service::hasOrder));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
		assertThat(this.service.orderField(ids.get(0), "status")).isEqualTo("received");
		// The same id again, as a new entry: a duplicate, acknowledged too.
		add("orders-stream", order(ids.get(0)));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.counter("consumer.messages", "outcome", "duplicate") >= 1
					&& pending("orders-stream").getTotalPendingMessages() == 0);
		JsonNode health = this.service.json("/actuator/health/consumer");
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("mode").asString()).isEqualTo("stream");
		JsonNode stream = health.path("details").path("sources").path("stream").path("streams").path("orders-stream");
		assertThat(stream.path("reading").asBoolean()).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.service.meters().find("consumer.stream.pending").tag("stream", "orders-stream").gauge().value() == 0
					&& this.service.meters().find("consumer.stream.lag").tag("stream", "orders-stream").gauge().value() == 0);
		assertThat(received("orders")).isGreaterThanOrEqualTo(501);
	}

	@Test
	void deadLettersMalformedEntriesWithTheirReasonAndAcknowledgesThem() {
		add("orders-stream", "{not json");
		this.service.redis().opsForStream().add(MapRecord.create("orders-stream", Map.of("body", "{}")));
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("orders-stream").size() >= 2);
		List<Map<String, String>> letters = deadLetters("orders-stream");
		assertThat(letters).extracting((letter) -> letter.get("reason")).contains("invalid_json");
		assertThat(letters).allSatisfy((letter) -> assertThat(letter.get("source")).isEqualTo("stream"));
		assertThat(letters).anySatisfy((letter) -> assertThat(letter.get("detail")).contains("no 'payload' field"));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void deadLettersAnEntryWithoutPayloadKeepingEveryOneOfItsFields() {
		String id = uniqueId();
		// A publisher that spread the message over fields of its own: none is "payload".
		String entry = this.service.redis().execute(ADD_FIELDS, List.of("orders-stream"), "type", "order", "id", id,
				"body", order(id), "note", "line one\nline two");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.deadLetterWith("field.id", id) != null);
		Map<String, String> letter = this.service.deadLetterWith("field.id", id);
		assertThat(letter).containsEntry("reason", "invalid_json")
			.containsEntry("source", "stream")
			.containsEntry("channel", "orders-stream")
			.containsEntry("payload", "")
			.containsEntry("field.type", "order")
			.containsEntry("field.id", id)
			.containsEntry("field.body", order(id))
			.containsEntry("field.note", "line one\nline two")
			.containsEntry("detail", "stream entry " + entry
					+ " has no 'payload' field (fields: type, id, body, note)");
		assertThat(this.service.hasOrder(id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void aPoisonEntryIsDeadLetteredAndNeverBlocksTheStream() {
		String poisonId = uniqueId();
		add("poison-stream", "{\"type\":\"poison\",\"id\":\"" + poisonId + "\"}");
		String after = uniqueId();
		add("orders-stream", order(after));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(after));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> deadLetters("poison-stream").stream().anyMatch((letter) -> poisonId.equals(letter.get("id"))));
		Map<String, String> letter = deadLetters("poison-stream").stream()
			.filter((entry) -> poisonId.equals(entry.get("id")))
			.findFirst()
			.orElseThrow();
		assertThat(letter).containsEntry("reason", "handler_failed").containsEntry("attempts", "3");
		assertThat(poisonAttempts.get()).isGreaterThanOrEqualTo(3);
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("poison-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void entriesWaitingBehindASlowHandlerAreKeptFromOtherReplicas() {
		int before = slowHandled.get();
		for (int i = 0; i < 20; i++) {
			add("slow-stream", "{\"type\":\"slow\",\"id\":\"" + uniqueId() + "\",\"key\":\"one\"}");
		}
		// 20 x 150 ms on one key: the last entries wait 3 s, three times claim-min-idle.
		AtomicLong rivalClaimed = new AtomicLong();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
			rivalClaimed.addAndGet(this.service.redis().execute(RIVAL_CLAIM, List.of("slow-stream"), "workers"));
			return slowHandled.get() - before >= 20 && pending("slow-stream").getTotalPendingMessages() == 0;
		});
		assertThat(rivalClaimed.get()).as("entries another replica could claim").isZero();
		assertThat(slowHandled.get() - before).isEqualTo(20);
	}

	@Test
	void claimsTheEntriesOfADeadConsumerAndRemovesItOnceItHoldsNothing() {
		String id = uniqueId();
		// A replica that read the entry and died before handling it: it stays pending under its name.
		RecordId entry = StreamEntries.addAndReadAs(this.service.redis(), "workers", "ghost", "orders-stream", order(id));
		assertThat(pendingOf("orders-stream", "ghost")).containsExactly(entry.getValue());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.service.hasOrder(id));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.service.redis()
				.opsForStream()
				.consumers("orders-stream", "workers")
				.stream()
				.noneMatch((consumer) -> consumer.consumerName().equals("ghost")));
		assertThat(this.service.counter("consumer.stream.claimed")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void deadLettersAnEntryDeliveredMoreThanMaxDeliveriesTimes() {
		String id = uniqueId();
		StreamEntries.deliveredThreeTimes(this.service.redis(), "workers", "orders-stream", order(id));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> deadLetters("orders-stream").stream()
				.anyMatch((letter) -> "max_deliveries".equals(letter.get("reason"))
						&& letter.get("payload").contains(id)));
		// Never handled, but decoded for its dead letter: type and id say what it was, payload keeps it whole.
		assertThat(this.service.deadLetterWith("id", id)).containsEntry("reason", "max_deliveries")
			.containsEntry("type", "order")
			.containsEntry("payload", order(id));
		assertThat(this.service.hasOrder(id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	private List<Map<String, String>> deadLetters(String stream) {
		return this.service.probe().deadLetters(ServiceUnderTest.DEAD_LETTERS, stream);
	}

	private List<String> pendingOf(String stream, String consumer) {
		return this.service.redis()
			.opsForStream()
			.pending(stream, Consumer.from("workers", consumer), Range.unbounded(), 100)
			.stream()
			.map((message) -> message.getId().getValue())
			.toList();
	}

	private RecordId add(String stream, String payload) {
		return this.service.redis().opsForStream().add(MapRecord.create(stream, Map.of("payload", payload)));
	}

	private PendingMessagesSummary pending(String stream) {
		return this.service.redis().opsForStream().pending(stream, "workers");
	}

	private static String order(String id) {
		return Orders.order(id);
	}

	record PoisonMessage(String id) {
	}

	record SlowMessage(String id, String key) {
	}

	private static final AtomicInteger poisonAttempts = new AtomicInteger();

	private static final AtomicInteger slowHandled = new AtomicInteger();

	/** Throws on every attempt. */
	static final MessageHandler<PoisonMessage> POISON = TestHandler.of("poison", PoisonMessage.class,
			(message, context) -> {
				poisonAttempts.incrementAndGet();
				throw new IllegalStateException("poison " + message.id());
			});

	/** Takes 150 ms a message, all on one ordering key. */
	static final MessageHandler<SlowMessage> SLOW = TestHandler.of("slow", SlowMessage.class, "key",
			(message, context) -> {
				// Simulated work, not a wait for a result.
				Thread.sleep(150);
				slowHandled.incrementAndGet();
				return HandlerResult.PROCESSED;
			});

}
