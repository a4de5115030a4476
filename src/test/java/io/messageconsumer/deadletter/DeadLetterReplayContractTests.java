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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.Orders;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.Source;
import io.messageconsumer.support.SourceContract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listing and replaying dead letters through {@code /actuator/deadletters}, against a real Redis,
 * for every source ({@link PubSubDeadLetterReplayContractTests},
 * {@link StreamDeadLetterReplayContractTests}): the listing, the replay's selection, paging and
 * report, and a dead letter the source itself wrote, replayed once an operator fixed it. The
 * subclass configures the source to consume the logical channel {@code orders} (see
 * {@link Source}).
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.dead-letter.replay-enabled=true",
		"consumer.dead-letter.stream=" + DeadLetterReplayContractTests.STREAM, "consumer.concurrency=1",
		"consumer.retry.initial-backoff=1ms" })
abstract class DeadLetterReplayContractTests extends SourceContract {

	static final String STREAM = "consumer:dead-letter:replay-tests";

	private static final String REPLAY = "/actuator/deadletters/replay";

	private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]*)\"");

	@Test
	void replaysADeadLetterTheSourceWroteOnceAnOperatorFixedIt() {
		this.service.awaitReady(Duration.ofSeconds(30));
		String orderId = uniqueId();
		String broken = validOrder(orderId).substring(0, validOrder(orderId).length() - 1);
		publish("orders", broken);
		await().atMost(Duration.ofSeconds(10)).until(() -> letterWithPayload(broken) != null);
		Map<String, String> letter = letterWithPayload(broken);
		assertThat(letter).containsEntry("reason", "invalid_json")
			.containsEntry("source", source().mode())
			.containsEntry("channel", source().destination("orders"));
		awaitSettled("orders");

		// Replayed as it is, it fails again and keeps its dead letter.
		JsonNode unfixed = replay("{\"reason\":\"invalid_json\"}");
		assertThat(unfixed.path("stillFailing").asInt()).isEqualTo(1);
		assertThat(entryIds()).hasSize(1);

		// The fix: the whole message as the payload of a dead letter in place of the old one.
		String letterId = entryIds().get(0);
		this.service.redis()
			.opsForStream()
			.add(MapRecord.create(STREAM, Map.of("reason", "invalid_json", "source", source().mode(), "channel",
					source().destination("orders"), "payload", validOrder(orderId))));
		this.service.redis().opsForStream().delete(STREAM, letterId);
		JsonNode report = replay("{\"reason\":\"invalid_json\"}");
		assertThat(report.path("outcomes").path("processed").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(this.service.orderField(orderId, "status")).isEqualTo("received");
		assertThat(entryIds()).isEmpty();
	}

	private Map<String, String> letterWithPayload(String payload) {
		return this.service.probe()
			.entries(STREAM)
			.stream()
			.filter((entry) -> payload.equals(entry.get("payload")))
			.findFirst()
			.orElse(null);
	}

	@BeforeEach
	void emptyTheStream() {
		this.service.redis().delete(STREAM);
	}

	@Test
	void listsCountsByReasonAndTheNewestEntriesFirst() {
		ThreeReasons letters = deadLetterThreeReasons();
		String orderId = letters.orderId();
		String newest = letters.overflow();
		JsonNode body = this.service.get("/actuator/deadletters").json();
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
		assertThat(this.service.get("/actuator/deadletters?count=1").json().path("newest")).hasSize(1);
	}

	@Test
	void listsPayloadsTruncatedAndEscaped() {
		String payload = "{\"type\":\"order\",\"note\":\"line\nbreak\",\"pad\":\"" + "x".repeat(2000) + "\"}";
		deadLetter("invalid_payload", "order", payload);
		JsonNode entry = this.service.get("/actuator/deadletters").json().path("newest").get(0);
		assertThat(entry.path("payload").asString()).startsWith("{\"type\":\"order\",\"note\":\"line\\nbreak\"")
			.endsWith("...")
			.hasSize(256 + 3); // 256 characters, the escaped line break counted as two
		assertThat(entry.path("payloadBytes").asInt()).isEqualTo(payload.length());
	}

	@Test
	void boundsTheReasonCountsToTheNewestEntries() {
		int total = DeadLetterListing.SCAN_LIMIT + 50;
		this.service.redis().executePipelined((RedisCallback<Object>) (connection) -> {
			for (int i = 0; i < total; i++) {
				// A reason of its own per entry: an entry counted twice, or skipped, shows.
				Map<byte[], byte[]> fields = Map.of(bytes("reason"), bytes("r" + i), bytes("payload"), bytes("{}"));
				connection.streamCommands().xAdd(StreamRecords.rawBytes(fields).withStreamKey(bytes(STREAM)));
			}
			return null;
		});
		JsonNode body = this.service.get("/actuator/deadletters?count=0").json();
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
		ThreeReasons letters = deadLetterThreeReasons();
		JsonNode report = replay("{\"reason\":\"handler_failed\"}");
		assertReport(report, 1, 1, 1, 0, "processed");
		assertThat(this.service.orderField(letters.orderId(), "status")).isEqualTo("received");
		assertThat(entryIds()).containsExactly(letters.invalid(), letters.overflow());
		assertThat(this.service.meters().find("consumer.messages.received").tags("source", "replay", "channel", "replay").counter())
			.isNotNull();
		JsonNode listing = this.service.get("/actuator/deadletters").json();
		assertThat(listing.path("byReason").toString()).isEqualTo("{\"invalid_payload\":1,\"overflow\":1}");
	}

	@Test
	void keepsAnEntryThatFailsAgainAndAddsNone() {
		ThreeReasons letters = deadLetterThreeReasons();
		JsonNode report = replay("{\"type\":\"order\"}");
		assertReport(report, 2, 2, 1, 1, "rejected");
		assertThat(this.service.hasOrder(letters.orderId())).isTrue();
		// Dead letters are written by a background thread: make sure none arrives late.
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
			.until(() -> entryIds().equals(List.of(letters.invalid(), letters.overflow())));
	}

	@Test
	void replaysTheOldestEntriesFirstUpToTheLimit() {
		List<String> ids = List.of(uniqueId(), uniqueId(), uniqueId());
		ids.forEach((id) -> deadLetter("handler_failed", "order", validOrder(id)));
		String newest = entryIds().get(2);
		JsonNode report = replay("{\"limit\":2}");
		assertThat(report.path("replayed").asInt()).isEqualTo(2);
		assertThat(this.service.hasOrder(ids.get(0))).isTrue();
		assertThat(this.service.hasOrder(ids.get(1))).isTrue();
		assertThat(this.service.hasOrder(ids.get(2))).isFalse();
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
		assertThat(this.service.hasOrder(ids.get(99))).isTrue();
		assertThat(this.service.hasOrder(ids.get(100))).isFalse();
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
		this.service.redis().opsForHash().put("orders:" + orderId, "status", "shipped");
		deadLetter("handler_failed", "order", validOrder(orderId));
		JsonNode report = replay("{\"reason\":\"handler_failed\",\"type\":\"order\",\"limit\":10}");
		assertThat(report.path("outcomes").path("duplicate").asInt()).isEqualTo(1);
		assertThat(report.path("removed").asInt()).isEqualTo(1);
		assertThat(this.service.orderField(orderId, "status")).isEqualTo("shipped");
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
		assertThat(this.service.hasOrder(orderId)).isFalse();
		assertThat(entryIds()).containsExactly(tooLarge);
	}

	@Test
	void rejectsUnknownActionsReasonsAndLimits() {
		deadLetter("handler_failed", "order", validOrder(uniqueId()));
		assertThat(this.service.post("/actuator/deadletters/purge", "{}").status()).isEqualTo(404);
		assertThat(this.service.post(REPLAY, "{\"reason\":\"no_such_reason\"}").status()).isEqualTo(400);
		assertThat(this.service.post(REPLAY, "{\"limit\":0}").status()).isEqualTo(400);
		assertThat(this.service.post(REPLAY, "{\"limit\":\"many\"}").status()).isEqualTo(400);
		assertThat(this.service.get("/actuator/deadletters?count=-1").status()).isEqualTo(400);
		assertThat(entryIds()).hasSize(1);
	}

	/**
	 * Dead letters of three reasons, oldest first: a valid order that failed in its handler, an
	 * invalid order, an overflowed notification.
	 */
	private ThreeReasons deadLetterThreeReasons() {
		String orderId = uniqueId();
		deadLetter("handler_failed", "order", validOrder(orderId));
		String invalid = deadLetter("invalid_payload", "order", invalidOrder(uniqueId()));
		String overflow = deadLetter("overflow", "notification", notification());
		return new ThreeReasons(orderId, invalid, overflow);
	}

	/** The replay report's counts, and one entry of the outcome named. */
	private static void assertReport(JsonNode report, int selected, int replayed, int removed, int stillFailing,
			String outcome) {
		assertThat(report.path("selected").asInt()).as("selected").isEqualTo(selected);
		assertThat(report.path("replayed").asInt()).as("replayed").isEqualTo(replayed);
		assertThat(report.path("removed").asInt()).as("removed").isEqualTo(removed);
		assertThat(report.path("stillFailing").asInt()).as("stillFailing").isEqualTo(stillFailing);
		assertThat(report.path("outcomes").path(outcome).asInt()).as(outcome).isEqualTo(1);
	}

	protected JsonNode replay(String body) {
		Http.Response response = this.service.post(REPLAY, body);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	/** XADD an entry shaped like the dead-letter writer's; returns its entry id. */
	private String deadLetter(String reason, String type, String payload) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("reason", reason);
		fields.put("detail", "written by the test");
		fields.put("source", source().mode());
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
		return this.service.redis().opsForStream().add(record).getValue();
	}

	protected List<String> entryIds() {
		return this.service.redis().opsForStream()
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
		return Orders.uniqueId("replay");
	}

	/**
	 * The dead letters {@link #deadLetterThreeReasons()} wrote.
	 *
	 * @param orderId the id of the valid order
	 * @param invalid the entry id of the invalid order's dead letter
	 * @param overflow the entry id of the notification's dead letter, the newest
	 */
	private record ThreeReasons(String orderId, String invalid, String overflow) {
	}

}
