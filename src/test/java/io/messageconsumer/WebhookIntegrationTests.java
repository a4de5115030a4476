package io.messageconsumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.RedisIntegrationTest;
import io.messageconsumer.support.ServiceUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook notification sink against a real HTTP server: delivered on 2xx; retried with
 * backoff and dead-lettered {@code handler_failed} on errors.
 */
@RedisIntegrationTest
@TestPropertySource(properties = { "consumer.notifications.sink=webhook", "consumer.retry.max-attempts=3",
		"consumer.retry.initial-backoff=20ms", "consumer.channels=webhook-notifications" })
class WebhookIntegrationTests {

	private static final HttpServer server = startServer();

	private static final List<String> received = new CopyOnWriteArrayList<>();

	private static final AtomicInteger failingHits = new AtomicInteger();

	@Autowired
	private ServiceUnderTest service;

	@DynamicPropertySource
	static void webhookProperties(DynamicPropertyRegistry registry) {
		registry.add("consumer.notifications.webhook-url",
				() -> "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
	}

	@AfterAll
	static void stopServer() {
		server.stop(0);
	}

	@BeforeEach
	void awaitSubscribed() {
		// Pub/sub keeps nothing for a subscriber that is not there yet.
		this.service.awaitHealth("consumer", "UP", Duration.ofSeconds(30));
	}

	@Test
	void postsNotificationJsonToWebhook() {
		this.service.probe().publish("webhook-notifications",
				"{\"type\":\"notification\",\"id\":\"ok-1\",\"message\":\"shipped\",\"recipient\":\"c-7\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch((body) -> body.contains("ok-1")));
		String body = received.stream().filter((candidate) -> candidate.contains("ok-1")).findFirst().orElseThrow();
		assertThat(body).contains("\"message\":\"shipped\"").contains("\"recipient\":\"c-7\"");
	}

	@Test
	void retriesFailingWebhookThenDeadLettersAsHandlerFailed() {
		this.service.probe().publish("webhook-notifications",
				"{\"type\":\"notification\",\"id\":\"fail-1\",\"message\":\"boom\"}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.service.probe().deadLetters("consumer:dead-letter", "webhook-notifications").isEmpty());
		Map<String, String> entry = this.service.probe()
			.deadLetters("consumer:dead-letter", "webhook-notifications")
			.get(0);
		assertThat(entry).containsEntry("reason", "handler_failed")
			.containsEntry("type", "notification")
			.containsEntry("id", "fail-1")
			.containsEntry("attempts", "3");
		assertThat(entry.get("detail")).contains("500");
		assertThat(failingHits).hasValue(3);
	}

	private static HttpServer startServer() {
		try {
			HttpServer httpServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			httpServer.createContext("/hook", (exchange) -> {
				String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
				boolean fail = body.contains("fail-");
				if (fail) {
					failingHits.incrementAndGet();
				}
				else {
					received.add(body);
				}
				exchange.sendResponseHeaders(fail ? 500 : 200, -1);
				exchange.close();
			});
			httpServer.start();
			return httpServer;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
