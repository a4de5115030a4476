package io.messageconsumer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listing and replaying dead letters through {@code /actuator/deadletters}, against a real Redis.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.dead-letter.replay-enabled=true", "consumer.channels=replay-test",
		"consumer.dead-letter.stream=" + DeadLetterReplayIntegrationTests.STREAM, "consumer.concurrency=1",
		"consumer.retry.initial-backoff=1ms" })
class DeadLetterReplayIntegrationTests {

	static final String STREAM = "consumer:dead-letter:replay-tests";

	private static final String REPLAY = "/actuator/deadletters/replay";

	private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]*)\"");

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@BeforeEach
	void emptyTheStream() {
		this.redis.delete(STREAM);
	}

	@Test
	void listsCountsByReasonAndTheNewestEntriesFirst() {
		String orderId = uniqueId();
		deadLetter("handler_failed", "order", validOrder(orderId));
		deadLetter("invalid_payload", "order", invalidOrder(uniqueId()));
		String newest = deadLetter("overflow", "notification", notification());
		JsonNode body = Http.get(this.port, "/actuator/deadletters").json();
		assertThat(body.path("stream").asString()).isEqualTo(STREAM);
		assertThat(body.path("total").asLong()).isEqualTo(3);
		assertThat(body.path("scanned").asInt()).isEqualTo(3);
		assertThat(body.path("scanComplete").asBoolean()).isTrue();
		assertThat(body.path("byReason").toString())
			.isEqualTo("{\"handler_failed\":1,\"invalid_payload\":1,\"overflow\":1}");
		JsonNode entries = body.path("newest");
		assertThat(entries).hasSize(3);
		assertThat(entries.get(0).path("entryId").asString()).isEqualTo(newest);
		assertThat(entries.get(0).path("reason").asString()).isEqualTo("overflow");
		assertThat(entries.get(2).path("id").asString()).isEqualTo(orderId);
		assertThat(entries.get(2).path("payload").asString()).isEqualTo(validOrder(orderId));
		assertThat(Http.get(this.port, "/actuator/deadletters?count=1").json().path("newest")).hasSize(1);
	}

	@Test
	void listsPayloadsTruncatedAndEscaped() {
		String payload = "{\"type\":\"order\",\"note\":\"line\nbreak\",\"pad\":\"" + "x".repeat(2000) + "\"}";
		deadLetter("invalid_payload", "order", payload);
		JsonNode entry = Http.get(this.port, "/actuator/deadletters").json().path("newest").get(0);
		assertThat(entry.path("payload").asString()).startsWith("{\"type\":\"order\",\"note\":\"line\\nbreak\"")
			.endsWith("...")
			.hasSize(256 + 3); // 256 characters, the escaped line break counted as two
		assertThat(entry.path("payloadBytes").asInt()).isEqualTo(payload.length());
	}

	@Test
	void boundsTheReasonCountsToTheNewestEntries() {
		int total = DeadLetterListing.SCAN_LIMIT + 50;
		this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (int i = 0; i < total; i++) {
				// A reason of its own per entry: an entry counted twice, or skipped, shows.
				Map<byte[], byte[]> fields = Map.of(bytes("reason"), bytes("r" + i), bytes("payload"), bytes("{}"));
				connection.streamCommands().xAdd(StreamRecords.rawBytes(fields).withStreamKey(bytes(STREAM)));
			}
			return null;
		});
		JsonNode body = Http.get(this.port, "/actuator/deadletters?count=0").json();
		assertThat(body.path("total").asLong()).isEqualTo(total);
		assertThat(body.path("scanned").asInt()).isEqualTo(DeadLetterListing.SCAN_LIMIT);
		assertThat(body.path("scanComplete").asBoolean()).isFalse();
		JsonNode byReason = body.path("byReason");
		assertThat(byReason.size()).isEqualTo(DeadLetterListing.SCAN_LIMIT);
		assertThat(byReason.valueStream().allMatch((count) -> count.asInt() == 1)).isTrue();
		assertThat(byReason.has("r" + (total - 1))).isTrue();
		assertThat(byReason.has("r50")).isTrue();
		assertThat(byReason.has("r49")).isFalse();
		assertThat(body.path("newest")).isEmpty();
	}

	@Test
	void replaysOneReasonAndRemovesOnlyTheEntriesThatSucceed() {
		String orderId = uniqueId();
		deadLetter("handler_failed", "order", validOrder(orderId));
		String invalid = deadLetter("invalid_payload", "order", invalidOrder(uniqueId()));
		String overflow = deadLetter("overflow", "notification", notification());
		JsonNode report = replay("{\"reason\":\"handler_failed\"}");
		assertThat(report.path("selected").asInt()).isEqualTo(1);
		assertThat(report.path("replayed").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(report.path("stillFailing").asInt()).isZero();
		assertThat(report.path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(this.redis.opsForHash().get("orders:" + orderId, "status")).isEqualTo("received");
		assertThat(entryIds()).containsExactly(invalid, overflow);
		assertThat(this.meters.find("consumer.messages.received").tags("source", "replay", "channel", "replay").counter())
			.isNotNull();
		JsonNode listing = Http.get(this.port, "/actuator/deadletters").json();
		assertThat(listing.path("byReason").toString()).isEqualTo("{\"invalid_payload\":1,\"overflow\":1}");
	}

	@Test
	void keepsAnEntryThatFailsAgainAndAddsNone() {
		String orderId = uniqueId();
		deadLetter("handler_failed", "order", validOrder(orderId));
		String invalid = deadLetter("invalid_payload", "order", invalidOrder(uniqueId()));
		String overflow = deadLetter("overflow", "notification", notification());
		JsonNode report = replay("{\"type\":\"order\"}");
		assertThat(report.path("selected").asInt()).isEqualTo(2);
		assertThat(report.path("replayed").asInt()).isEqualTo(2);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(report.path("stillFailing").asInt()).isEqualTo(1);
		assertThat(report.path("outcomes").path("rejected").asInt()).isEqualTo(1);
		assertThat(this.redis.hasKey("orders:" + orderId)).isTrue();
		// Dead letters are written by a background thread: make sure none arrives late.
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
			.until(() -> entryIds().equals(List.of(invalid, overflow)));
	}

	@Test
	void replaysTheOldestEntriesFirstUpToTheLimit() {
		List<String> ids = List.of(uniqueId(), uniqueId(), uniqueId());
		ids.forEach((id) -> deadLetter("handler_failed", "order", validOrder(id)));
		String newest = entryIds().get(2);
		JsonNode report = replay("{\"limit\":2}");
		assertThat(report.path("replayed").asInt()).isEqualTo(2);
		assertThat(this.redis.hasKey("orders:" + ids.get(0))).isTrue();
		assertThat(this.redis.hasKey("orders:" + ids.get(1))).isTrue();
		assertThat(this.redis.hasKey("orders:" + ids.get(2))).isFalse();
		assertThat(entryIds()).containsExactly(newest);
		assertThat(replay("{}").path("removed").asInt()).isEqualTo(1);
		assertThat(entryIds()).isEmpty();
	}

	@Test
	void replaysEachEntryOnceAcrossPages() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 250; i++) {
			ids.add(uniqueId());
			deadLetter("handler_failed", "order", validOrder(ids.get(i)));
		}
		JsonNode first = replay("{}");
		assertThat(first.path("replayed").asInt()).isEqualTo(DeadLetterReplayer.DEFAULT_LIMIT);
		assertThat(first.path("outcomes").path("processed").asInt()).isEqualTo(DeadLetterReplayer.DEFAULT_LIMIT);
		assertThat(this.redis.hasKey("orders:" + ids.get(99))).isTrue();
		assertThat(this.redis.hasKey("orders:" + ids.get(100))).isFalse();
		JsonNode rest = replay("{\"limit\":1000}");
		assertThat(rest.path("replayed").asInt()).isEqualTo(150);
		assertThat(rest.path("outcomes").path("duplicate").asInt()).isZero();
		assertThat(entryIds()).isEmpty();
	}

	@Test
	void replaysEachEntryThatFailsAgainOnceAcrossPages() {
		for (int i = 0; i < 250; i++) {
			deadLetter("invalid_payload", "order", invalidOrder(uniqueId()));
		}
		JsonNode report = replay("{\"reason\":\"invalid_payload\",\"limit\":1000}");
		assertThat(report.path("replayed").asInt()).isEqualTo(250);
		assertThat(report.path("stillFailing").asInt()).isEqualTo(250);
		assertThat(entryIds()).hasSize(250);
	}

	@Test
	void removesEntriesWhoseSideEffectWasAlreadyAppliedAsDuplicates() {
		String orderId = uniqueId();
		this.redis.opsForHash().put("orders:" + orderId, "status", "shipped");
		deadLetter("handler_failed", "order", validOrder(orderId));
		JsonNode report = replay("{\"reason\":\"handler_failed\",\"type\":\"order\",\"limit\":10}");
		assertThat(report.path("outcomes").path("duplicate").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(this.redis.opsForHash().get("orders:" + orderId, "status")).isEqualTo("shipped");
		assertThat(entryIds()).isEmpty();
	}

	@Test
	void skipsTooLargeEntriesWhichHoldOnlyAPrefix() {
		String orderId = uniqueId();
		String tooLarge = deadLetter("too_large", null, validOrder(orderId));
		// No body at all: every parameter takes its default.
		JsonNode report = replay("");
		assertThat(report.path("selected").asInt()).isEqualTo(1);
		assertThat(report.path("skipped").asInt()).isEqualTo(1);
		assertThat(report.path("replayed").asInt()).isZero();
		assertThat(this.redis.hasKey("orders:" + orderId)).isFalse();
		assertThat(entryIds()).containsExactly(tooLarge);
	}

	@Test
	void rejectsUnknownActionsReasonsAndLimits() {
		deadLetter("handler_failed", "order", validOrder(uniqueId()));
		assertThat(Http.post(this.port, "/actuator/deadletters/purge", "{}").status()).isEqualTo(404);
		assertThat(Http.post(this.port, REPLAY, "{\"reason\":\"no_such_reason\"}").status()).isEqualTo(400);
		assertThat(Http.post(this.port, REPLAY, "{\"limit\":0}").status()).isEqualTo(400);
		assertThat(Http.post(this.port, REPLAY, "{\"limit\":\"many\"}").status()).isEqualTo(400);
		assertThat(Http.get(this.port, "/actuator/deadletters?count=-1").status()).isEqualTo(400);
		assertThat(entryIds()).hasSize(1);
	}

	private JsonNode replay(String body) {
		Http.Response response = Http.post(this.port, REPLAY, body);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	/** XADD an entry shaped like the dead-letter writer's; returns its entry id. */
	private String deadLetter(String reason, String type, String payload) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("reason", reason);
		fields.put("detail", "written by the test");
		fields.put("source", "pubsub");
		fields.put("channel", "replay-test");
		if (type != null) {
			fields.put("type", type);
		}
		Matcher id = ID.matcher(payload);
		if (id.find()) {
			fields.put("id", id.group(1));
		}
		fields.put("payload", payload);
		fields.put("attempts", "3");
		fields.put("at", "2026-11-24T10:00:00Z");
		MapRecord<String, String, String> record = StreamRecords.newRecord().in(STREAM).ofMap(fields);
		return this.redis.opsForStream().add(record).getValue();
	}

	private List<String> entryIds() {
		return this.redis.opsForStream()
			.range(STREAM, Range.unbounded())
			.stream()
			.map((record) -> record.getId().getValue())
			.toList();
	}

	private static String validOrder(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":19.0,\"currency\":\"EUR\"}";
	}

	private static String invalidOrder(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"currency\":\"euro\"}";
	}

	private static String notification() {
		return "{\"type\":\"notification\",\"id\":\"n-" + UUID.randomUUID() + "\",\"message\":\"Your order shipped\"}";
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String uniqueId() {
		return "replay-" + UUID.randomUUID();
	}

}
