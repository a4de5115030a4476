package io.messageconsumer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 messages added to a stream, half of them hostile (nesting 10,000 deep, a 50 MB string, a
 * number of a million digits, gadget JSON naming classes, invalid UTF-8, CRLF in every field),
 * interleaved with valid orders: every hostile one is dead-lettered with its reason, every valid
 * one is stored, and the heap after GC grows by less than 50 MB.
 * <p>
 * {@code consumer.max-message-bytes} is 2 MiB here, so the million-digit number (1 MB) reaches
 * the parser and is caught by {@code consumer.json.max-number-length}; the 50 MB string is caught
 * by the size check, before parsing. The stream source is used because Redis itself would cut a
 * pub/sub subscriber receiving 50 MB at its output-buffer limit ({@code pubsub 32mb}).
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestPropertySource(properties = { "consumer.mode=stream", "consumer.streams.keys=hostile-stream",
		"consumer.streams.group=hostile", "consumer.streams.consumer-name=hostile-1", "consumer.concurrency=2",
		"consumer.max-message-bytes=2MB", "consumer.retry.initial-backoff=1ms" })
class HostileCorpusIntegrationTests {

	private static final String STREAM = "hostile-stream";

	private static final String DEAD_LETTERS = "consumer:dead-letter";

	private static final int MESSAGES = 10_000;

	private static final long MAX_HEAP_GROWTH = 50L * 1024 * 1024;

	@Autowired
	private ServiceUnderTest service;

	@Autowired
	private Environment environment;

	@Test
	void deadLettersEveryHostileMessageWithItsReasonProcessesEveryValidOneAndKeepsTheHeapFlat() {
		this.service.awaitHealth("readiness", "UP", Duration.ofSeconds(20));
		String run = "hostile-" + UUID.randomUUID();
		List<Hostile> hostile = hostileInputs(MESSAGES / 2);
		long heapBefore = usedHeapAfterGc();
		double processedBefore = this.service.messages("order", "processed");
		long deadLettersBefore = deadLetterCount();
		// Valid and hostile alternate.
		List<byte[]> messages = new ArrayList<>(MESSAGES);
		for (int i = 0; i < hostile.size(); i++) {
			messages.add(validOrder(run, i));
			messages.add(hostile.get(i).bytes());
		}
		long start = System.nanoTime();
		addToStream(messages);
		messages.clear();
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
			.until(() -> this.service.messages("order", "processed") - processedBefore >= MESSAGES / 2
					&& deadLetterCount() - deadLettersBefore >= hostile.size());
		long millis = (System.nanoTime() - start) / 1_000_000;
		long heapGrowth = usedHeapAfterGc() - heapBefore;
		System.out.printf("Hostile corpus: %,d messages added and given an outcome in %,d ms; heap after GC grew by "
				+ "%,d bytes (%.1f MB)%n", MESSAGES, millis, heapGrowth, heapGrowth / 1_048_576.0);
		assertThat(heapGrowth).isLessThan(MAX_HEAP_GROWTH);

		assertThat(this.service.redis().keys("orders:" + run + "-*")).hasSize(MESSAGES / 2);
		assertThat(this.service.messages("order", "processed") - processedBefore).isEqualTo(MESSAGES / 2);
		List<Map<String, String>> deadLetters = this.service.probe().deadLetters(DEAD_LETTERS, STREAM);
		assertThat(deadLetters).hasSize(hostile.size());
		assertThat(reasonCounts(deadLetters, (entry) -> entry.get("reason")))
			.isEqualTo(reasonCounts(hostile, Hostile::reason));
		assertThat(deadLetters).allSatisfy((entry) -> {
			assertThat(entry.get("detail")).doesNotContain("\r", "\n");
			assertThat(entry.get("detail").getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
		});
		Map<String, String> tooLarge = deadLetters.stream().filter((entry) -> "too_large".equals(entry.get("reason")))
			.findFirst().orElseThrow();
		assertThat(tooLarge.get("detail"))
			.isEqualTo("message is " + hostile.get(0).bytes().length + " bytes, the limit is 2097152");
		assertThat(deadLetters).filteredOn((entry) -> entry.get("payload").startsWith("{\"type\":\"order\",\"id\":\"n\""))
			.hasSize(10)
			.allSatisfy((entry) -> assertThat(entry).containsEntry("reason", "invalid_json"))
			.allSatisfy((entry) -> assertThat(entry.get("detail"))
				.endsWith("is longer than the limit of 100 (consumer.json.max-number-length)"));
		assertThat(this.service.get("/actuator/health").healthStatus()).isEqualTo("UP");
	}

	/** The hostile half: one 50 MB string, ten million-digit numbers, then the other kinds in turn. */
	static List<Hostile> hostileInputs(int count) {
		List<Hostile> inputs = new ArrayList<>(count);
		inputs.add(new Hostile(utf8("{\"type\":\"order\",\"id\":\"s\",\"pad\":\"" + "a".repeat(50 * 1024 * 1024) + "\"}"),
				"too_large"));
		byte[] million = utf8("{\"type\":\"order\",\"id\":\"n\",\"total\":" + "9".repeat(1_000_000) + "}");
		for (int i = 0; i < 10; i++) {
			inputs.add(new Hostile(million, "invalid_json"));
		}
		List<Hostile> kinds = List.of(
				new Hostile(utf8("[".repeat(10_000) + "]".repeat(10_000)), "invalid_json"),
				new Hostile(utf8("{\"type\":\"order\",\"id\":\"d\",\"x\":" + "{\"a\":".repeat(10_000) + "1"
						+ "}".repeat(10_000) + "}"), "invalid_json"),
				new Hostile(utf8("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}"),
						"missing_type"),
				new Hostile(utf8("[\"java.lang.ProcessBuilder\",{\"command\":[\"touch\",\"/tmp/pwned\"]}]"),
						"not_an_object"),
				new Hostile(utf8("{\"type\":\"java.lang.ProcessBuilder\",\"id\":\"g\",\"command\":[\"id\"]}"),
						"unknown_type"),
				new Hostile(utf8("{\"type\":\"order\",\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"id\"]}"),
						"invalid_payload"),
				new Hostile(concat(utf8("{\"type\":\"order\",\"id\":\""), new byte[] { (byte) 0xC0, (byte) 0xAF,
						(byte) 0xFF }, utf8("\"}")), "invalid_encoding"),
				new Hostile(utf8("{\"type\":\"order\\r\\n2026-01-01 ERROR forged\",\"id\":\"c\\r\\nERROR forged\","
						+ "\"customerId\":\"\\r\\n\",\"currency\":\"E\\r\\n\"}"), "unknown_type"),
				new Hostile(utf8("{\"type\":\"order\",\"id\":\"c\\r\\n2026-01-01 ERROR forged\",\"customerId\":\"c\\r\\n\","
						+ "\"currency\":\"E\\r\\nR\",\"items\":[{\"sku\":\"\\r\\n\",\"quantity\":1}]}"), "invalid_payload"));
		for (int i = 0; inputs.size() < count; i++) {
			inputs.add(kinds.get(i % kinds.size()));
		}
		return inputs;
	}

	private static byte[] validOrder(String run, int number) {
		return utf8("{\"type\":\"order\",\"id\":\"" + run + "-" + number + "\",\"customerId\":\"c-7\",\"items\":[{\"sku\":"
				+ "\"SKU-1\",\"quantity\":2,\"unitPrice\":9.5}],\"total\":19.0,\"currency\":\"EUR\"}");
	}

	/**
	 * Add every message, pipelined, on a client of its own: the application's 2 s command timeout
	 * is too short for the 50 MB entry.
	 */
	private void addToStream(List<byte[]> messages) {
		RedisClient client = RedisClient.create(this.environment.getRequiredProperty("spring.data.redis.url"));
		client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(Duration.ofMinutes(2))).build());
		byte[] key = STREAM.getBytes(StandardCharsets.UTF_8);
		byte[] field = "payload".getBytes(StandardCharsets.UTF_8);
		try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
			List<RedisFuture<String>> added = new ArrayList<>(messages.size());
			for (byte[] message : messages) {
				added.add(connection.async().xadd(key, Map.of(field, message)));
			}
			assertThat(LettuceFutures.awaitAll(Duration.ofMinutes(2), added.toArray(new RedisFuture<?>[0]))).isTrue();
		}
		finally {
			client.shutdown();
		}
	}

	private static <T> Map<String, Long> reasonCounts(List<T> items, Function<T, String> reason) {
		return items.stream().collect(Collectors.groupingBy(reason, TreeMap::new, Collectors.counting()));
	}

	private long deadLetterCount() {
		Long size = this.service.redis().opsForStream().size(DEAD_LETTERS);
		return (size != null) ? size : 0;
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			memory.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[] head, byte[] middle, byte[] tail) {
		byte[] all = new byte[head.length + middle.length + tail.length];
		System.arraycopy(head, 0, all, 0, head.length);
		System.arraycopy(middle, 0, all, head.length, middle.length);
		System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
		return all;
	}

	/** A hostile input and the reason it must be dead-lettered with. */
	record Hostile(byte[] bytes, String reason) {
	}

}
