package io.messageconsumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.RedisProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream source end to end against a real Redis: consumer group created, entries handled
 * and acknowledged only once their outcome is recorded, entries of a dead consumer claimed, an
 * entry delivered too often dead-lettered, a consumer gone for good removed from the group.
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=orders-stream,poison-stream,slow-stream",
		"consumer.streams.group=workers", "consumer.streams.consumer-name=replica-a",
		"consumer.streams.claim-min-idle=1s", "consumer.streams.max-deliveries=3", "consumer.streams.block=200ms",
		"consumer.retry.initial-backoff=1ms", "consumer.concurrency=2" })
class StreamIntegrationTests {

	private static final String DEAD_LETTERS = "consumer:dead-letter";

	/** What another replica's claim would take: entries idle for a second. */
	private static final RedisScript<Long> RIVAL_CLAIM = RedisScript.of("""
			local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], 'rival', 1000, '0-0', 'COUNT', 1000)
			return #claimed[2]""", Long.class);

	private static final RedisScript<String> ADD_AND_READ = RedisScript.of("""
			local id = redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1])
			redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
			return id""", String.class);

	/** XADD with the fields in the order given, names and values in turn. */
	private static final RedisScript<String> ADD_FIELDS = RedisScript
		.of("return redis.call('XADD', KEYS[1], '*', unpack(ARGV))", String.class);

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private PoisonHandler poison;

	@Autowired
	private SlowHandler slow;

	@LocalServerPort
	private int port;

	private RedisProbe probe;

	@BeforeEach
	void awaitReading() {
		this.probe = new RedisProbe(this.redis);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));
	}

	@Test
	void handlesEntriesAndAcknowledgesThemOnceHandled() {
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < 500; i++) {
			String id = uniqueId();
			ids.add(id);
			add("orders-stream", order(id));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch((id) -> this.redis.hasKey("orders:" + id)));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
		assertThat(this.redis.opsForHash().get("orders:" + ids.get(0), "status")).isEqualTo("received");
		// The same id again, as a new entry: a duplicate, acknowledged too.
		add("orders-stream", order(ids.get(0)));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("consumer.messages", "outcome", "duplicate") >= 1
					&& pending("orders-stream").getTotalPendingMessages() == 0);
		JsonNode health = Http.get(this.port, "/actuator/health/consumer").json();
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("mode").asString()).isEqualTo("stream");
		JsonNode stream = health.path("details").path("sources").path("stream").path("streams").path("orders-stream");
		assertThat(stream.path("reading").asBoolean()).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.meters.find("consumer.stream.pending").tag("stream", "orders-stream").gauge().value() == 0
					&& this.meters.find("consumer.stream.lag").tag("stream", "orders-stream").gauge().value() == 0);
		assertThat(this.meters.find("consumer.messages.received").tag("source", "stream").tag("channel", "orders-stream")
			.counter().count()).isGreaterThanOrEqualTo(501);
	}

	@Test
	void deadLettersMalformedEntriesWithTheirReasonAndAcknowledgesThem() {
		add("orders-stream", "{not json");
		this.redis.opsForStream().add(MapRecord.create("orders-stream", Map.of("body", "{}")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.deadLetters(DEAD_LETTERS, "orders-stream").size() >= 2);
		List<Map<String, String>> letters = this.probe.deadLetters(DEAD_LETTERS, "orders-stream");
		assertThat(letters).extracting((letter) -> letter.get("reason")).contains("invalid_json");
		assertThat(letters).allSatisfy((letter) -> assertThat(letter.get("source")).isEqualTo("stream"));
		assertThat(letters).anySatisfy((letter) -> assertThat(letter.get("detail")).contains("no 'payload' field"));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void deadLettersAnEntryWithoutPayloadKeepingEveryOneOfItsFields() {
		String id = uniqueId();
		// A publisher that spread the message over fields of its own: none is "payload".
		String entry = this.redis.execute(ADD_FIELDS, List.of("orders-stream"), "type", "order", "id", id, "body",
				order(id), "note", "line one\nline two");
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterWithField("field.id", id) != null);
		Map<String, String> letter = deadLetterWithField("field.id", id);
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
		assertThat(this.redis.hasKey("orders:" + id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void aPoisonEntryIsDeadLetteredAndNeverBlocksTheStream() {
		String poisonId = uniqueId();
		add("poison-stream", "{\"type\":\"poison\",\"id\":\"" + poisonId + "\"}");
		String after = uniqueId();
		add("orders-stream", order(after));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + after));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.deadLetters(DEAD_LETTERS, "poison-stream")
				.stream()
				.anyMatch((letter) -> poisonId.equals(letter.get("id"))));
		Map<String, String> letter = this.probe.deadLetters(DEAD_LETTERS, "poison-stream")
			.stream()
			.filter((entry) -> poisonId.equals(entry.get("id")))
			.findFirst()
			.orElseThrow();
		assertThat(letter).containsEntry("reason", "handler_failed").containsEntry("attempts", "3");
		assertThat(this.poison.attempts.get()).isGreaterThanOrEqualTo(3);
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("poison-stream").getTotalPendingMessages() == 0);
	}

	@Test
	void entriesWaitingBehindASlowHandlerAreKeptFromOtherReplicas() {
		int before = this.slow.handled.get();
		for (int i = 0; i < 20; i++) {
			add("slow-stream", "{\"type\":\"slow\",\"id\":\"" + uniqueId() + "\",\"key\":\"one\"}");
		}
		// 20 x 150 ms on one key: the last entries wait 3 s, three times claim-min-idle.
		java.util.concurrent.atomic.AtomicLong rivalClaimed = new java.util.concurrent.atomic.AtomicLong();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
			rivalClaimed.addAndGet(this.redis.execute(RIVAL_CLAIM, List.of("slow-stream"), "workers"));
			return this.slow.handled.get() - before >= 20 && pending("slow-stream").getTotalPendingMessages() == 0;
		});
		assertThat(rivalClaimed.get()).as("entries another replica could claim").isZero();
		assertThat(this.slow.handled.get() - before).isEqualTo(20);
	}

	@Test
	void claimsTheEntriesOfADeadConsumerAndRemovesItOnceItHoldsNothing() {
		String id = uniqueId();
		// A replica that read the entry and died before handling it: it stays pending under its name.
		RecordId entry = addAndReadAs("ghost", "orders-stream", order(id));
		assertThat(pendingOf("orders-stream", "ghost")).containsExactly(entry.getValue());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("orders:" + id));
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.redis.opsForStream()
				.consumers("orders-stream", "workers")
				.stream()
				.noneMatch((consumer) -> consumer.consumerName().equals("ghost")));
		assertThat(this.meters.find("consumer.stream.claimed").counter().count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void deadLettersAnEntryDeliveredMoreThanMaxDeliveriesTimes() {
		String id = uniqueId();
		RecordId entry = addAndReadAs("crasher", "orders-stream", order(id));
		// Two more deliveries, as replicas that claimed it and crashed would have made: three in all.
		for (int i = 0; i < 2; i++) {
			this.redis.opsForStream().claim("orders-stream", "workers", "crasher", Duration.ZERO, entry);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.deadLetters(DEAD_LETTERS, "orders-stream")
				.stream()
				.anyMatch((letter) -> "max_deliveries".equals(letter.get("reason"))
						&& letter.get("payload").contains(id)));
		// Never handled, but decoded for its dead letter: type and id say what it was, payload keeps it whole.
		assertThat(deadLetterWithField("id", id)).containsEntry("reason", "max_deliveries")
			.containsEntry("type", "order")
			.containsEntry("payload", order(id));
		assertThat(this.redis.hasKey("orders:" + id)).as("never handled").isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders-stream").getTotalPendingMessages() == 0);
	}

	private Map<String, String> deadLetterWithField(String field, String value) {
		return this.probe.deadLetters(DEAD_LETTERS, "orders-stream")
			.stream()
			.filter((letter) -> value.equals(letter.get(field)))
			.findFirst()
			.orElse(null);
	}

	/** Add an entry and read it as another consumer at once, before this service's reader can. */
	private RecordId addAndReadAs(String consumer, String stream, String payload) {
		String id = this.redis.execute(ADD_AND_READ, List.of(stream), payload, "workers", consumer);
		return RecordId.of(id);
	}

	private List<String> pendingOf(String stream, String consumer) {
		return this.redis.opsForStream()
			.pending(stream, Consumer.from("workers", consumer), Range.unbounded(), 100)
			.stream()
			.map((message) -> message.getId().getValue())
			.toList();
	}

	private RecordId add(String stream, String payload) {
		return this.redis.opsForStream().add(MapRecord.create(stream, Map.of("payload", payload)));
	}

	private org.springframework.data.redis.connection.stream.PendingMessagesSummary pending(String stream) {
		return this.redis.opsForStream().pending(stream, "workers");
	}

	private double count(String meter, String tag, String value) {
		return this.meters.find(meter).tag(tag, value).counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	private static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

	private static String uniqueId() {
		return "S-" + UUID.randomUUID();
	}

	record PoisonMessage(String id) {
	}

	/** A handler that throws on every attempt. */
	static class PoisonHandler implements MessageHandler<PoisonMessage> {

		final AtomicInteger attempts = new AtomicInteger();

		@Override
		public String type() {
			return "poison";
		}

		@Override
		public Class<PoisonMessage> payloadType() {
			return PoisonMessage.class;
		}

		@Override
		public HandlerResult handle(PoisonMessage message, MessageContext context) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("poison " + message.id());
		}

	}

	record SlowMessage(String id, String key) {
	}

	/** A handler that takes 150 ms a message, all on one ordering key. */
	static class SlowHandler implements MessageHandler<SlowMessage> {

		final AtomicInteger handled = new AtomicInteger();

		@Override
		public String type() {
			return "slow";
		}

		@Override
		public Class<SlowMessage> payloadType() {
			return SlowMessage.class;
		}

		@Override
		public String orderingKey() {
			return "key";
		}

		@Override
		public HandlerResult handle(SlowMessage message, MessageContext context) throws InterruptedException {
			// Simulated work, not a wait for a result.
			Thread.sleep(150);
			this.handled.incrementAndGet();
			return HandlerResult.PROCESSED;
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PoisonConfiguration {

		@Bean
		PoisonHandler poisonHandler() {
			return new PoisonHandler();
		}

		@Bean
		SlowHandler slowHandler() {
			return new SlowHandler();
		}

	}

}
