package io.messageconsumer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;
import io.messageconsumer.support.TestHandler;
import io.messageconsumer.support.TestHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler attempt that runs too long fails and frees its worker; a handler that ignores the
 * interrupt is abandoned; a poison message does not hold up other keys.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.channels=hang", "consumer.concurrency=2", "consumer.handler-timeout=300ms",
		"consumer.retry.max-attempts=3", "consumer.retry.initial-backoff=1s", "consumer.retry.max-backoff=1s",
		"consumer.dead-letter.stream=timeout-test:dead-letter" })
@TestHandlers
class HandlerTimeoutIntegrationTests {

	private static volatile boolean stopSpinning;

	@Autowired
	private ServiceUnderTest service;

	@BeforeEach
	void awaitConsuming() {
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
	}

	@AfterAll
	static void releaseSpinningHandler() {
		stopSpinning = true;
	}

	@Test
	void failsAnAttemptThatRunsTooLongAndFreesTheLane() {
		this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"sleepy\",\"lane\":\"a\",\"mode\":\"sleep\"}");
		this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"after-sleepy\",\"lane\":\"a\",\"mode\":\"ok\"}");
		Map<String, String> entry = deadLetter("sleepy");
		assertThat(entry).containsEntry("reason", "handler_failed").containsEntry("attempts", "3");
		await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("after-sleepy"));
		assertThat(entry.get("detail")).contains("timed out after 300 ms");
	}

	@Test
	void abandonsAHandlerThatIgnoresTheInterrupt() {
		this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"spinner\",\"lane\":\"b\",\"mode\":\"spin\"}");
		this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"after-spinner\",\"lane\":\"b\",\"mode\":\"ok\"}");
		// Stuck 5 s after its 300 ms timeout interrupted it in vain.
		await().atMost(Duration.ofSeconds(12)).until(() -> done.contains("after-spinner"));
		Map<String, String> entry = deadLetter("spinner");
		assertThat(entry).containsEntry("reason", "handler_failed");
		assertThat(entry.get("detail")).contains("did not finish");
	}

	@Test
	void poisonMessageDoesNotDelayOtherKeys() {
		this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"poison\",\"lane\":\"p\",\"mode\":\"throw\"}");
		for (int i = 0; i < 50; i++) {
			this.service.publish("hang", "{\"type\":\"hang\",\"id\":\"other-" + i + "\",\"lane\":\"o" + i + "\",\"mode\":\"ok\"}");
		}
		// The poison takes 2 s of backoff to fail; every other key, whatever its lane, is done long before.
		await().atMost(Duration.ofMillis(1500)).until(() -> done.containsAll(
				java.util.stream.IntStream.range(0, 50).mapToObj((i) -> "other-" + i).toList()));
		assertThat(findDeadLetter("poison")).isNull();
		Map<String, String> poison = deadLetter("poison");
		assertThat(poison).containsEntry("reason", "handler_failed").containsEntry("attempts", "3");
	}

	private Map<String, String> deadLetter(String id) {
		await().atMost(Duration.ofSeconds(10)).until(() -> findDeadLetter(id) != null);
		return findDeadLetter(id);
	}

	private Map<String, String> findDeadLetter(String id) {
		return this.service.probe().entries("timeout-test:dead-letter")
			.stream()
			.filter((entry) -> id.equals(entry.get("id")))
			.findFirst()
			.orElse(null);
	}

	/** The payload of a hang message. */
	record HangMessage(String id, String lane, String mode) {
	}

	/** The ids the handler finished. */
	private static final Set<String> done = ConcurrentHashMap.newKeySet();

	/** Sleeps, spins ignoring interrupts, throws, or returns, as the message says. */
	static final MessageHandler<HangMessage> HANG = TestHandler.of("hang", HangMessage.class, "lane",
			(message, context) -> {
				switch (message.mode()) {
					case "sleep" -> TimeUnit.MINUTES.sleep(1);
					case "spin" -> spinIgnoringInterrupts();
					case "throw" -> throw new IllegalStateException("poison");
					default -> done.add(message.id());
				}
				return HandlerResult.PROCESSED;
			});

	private static void spinIgnoringInterrupts() {
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!stopSpinning && System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

}
