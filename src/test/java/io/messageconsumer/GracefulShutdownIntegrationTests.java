package io.messageconsumer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisProbe;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM on the packaged service: readiness goes out of service, receiving stops, buffered
 * messages drain within the drain timeout, and what cannot drain is dead-lettered as {@code shutdown}.
 */
@OwnRedisServer
class GracefulShutdownIntegrationTests {

	private static final int BUFFERED = 5000;

	private static final Pattern ID = Pattern.compile("\"id\":\"(n-\\d+)\"");

	private static RedisServerProcess redisServer;

	private static HttpServer webhook;

	private static final Set<String> delivered = ConcurrentHashMap.newKeySet();

	private static volatile long webhookDelayMillis;

	private LettuceConnectionFactory connectionFactory;

	private ServiceProcess service;

	@BeforeAll
	static void startWebhook() throws IOException {
		webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		webhook.createContext("/hook", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			try {
				Thread.sleep(webhookDelayMillis); // a slow downstream, so messages buffer up
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			Matcher id = ID.matcher(body);
			if (id.find()) {
				delivered.add(id.group(1));
			}
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		webhook.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
		webhook.start();
	}

	@AfterAll
	static void stopWebhook() {
		webhook.stop(0);
	}

	@AfterEach
	void stopService() {
		if (this.service != null) {
			this.service.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		delivered.clear();
	}

	@Test
	void drainsBufferedMessagesOnSigterm() throws Exception {
		webhookDelayMillis = 20;
		StringRedisTemplate redis = startService("30s");
		publishNotifications(redis, 200);
		await().atMost(Duration.ofSeconds(10)).until(() -> !delivered.isEmpty());

		AtomicBoolean sawOutOfService = new AtomicBoolean();
		long signalledAt = System.nanoTime();
		this.service.terminate();
		Integer exit = null;
		while (exit == null && System.nanoTime() - signalledAt < Duration.ofSeconds(40).toNanos()) {
			Http.Response readiness = Http.get(this.service.port(), "/actuator/health/readiness");
			if (readiness.status() == 503 && readiness.body().contains("OUT_OF_SERVICE")) {
				sawOutOfService.set(true);
			}
			exit = this.service.waitForExit(Duration.ofMillis(100));
		}
		Duration took = Duration.ofNanos(System.nanoTime() - signalledAt);
		System.out.printf("SIGTERM with 200 buffered: exit %s after %d ms%n", exit, took.toMillis());

		assertThat(exit).as(this.service.log()).isIn(0, 143);
		assertThat(took).isLessThan(Duration.ofSeconds(40));
		assertThat(sawOutOfService).as("readiness reported OUT_OF_SERVICE while draining").isTrue();
		assertThat(delivered).hasSize(200);
		assertThat(new RedisProbe(redis).deadLetters("consumer:dead-letter", "notifications")).isEmpty();
	}

	@Test
	void fiveThousandBufferedEachReachAnOutcomeWhenTheDrainTimeoutRunsOut() throws Exception {
		webhookDelayMillis = 50;
		StringRedisTemplate redis = startService("1s");
		publishNotifications(redis, BUFFERED);
		// All of them received (what Redis still holds for a subscriber that stops is lost, as pub/sub goes).
		await().atMost(Duration.ofSeconds(20)).until(() -> received() == BUFFERED);
		assertThat(delivered.size()).as("still buffered when signalled").isLessThan(BUFFERED / 2);

		long signalledAt = System.nanoTime();
		this.service.terminate();
		Integer exit = this.service.waitForExit(Duration.ofSeconds(20));
		Duration took = Duration.ofNanos(System.nanoTime() - signalledAt);
		assertThat(exit).as(this.service.log()).isIn(0, 143);

		RedisProbe probe = new RedisProbe(redis);
		Set<String> outcomes = new HashSet<>(delivered);
		long shutdownReasons = 0;
		for (Map<String, String> entry : probe.deadLetters("consumer:dead-letter", "notifications")) {
			Matcher id = ID.matcher(entry.get("payload"));
			assertThat(id.find()).isTrue();
			outcomes.add(id.group(1));
			if ("shutdown".equals(entry.get("reason"))) {
				shutdownReasons++;
			}
		}
		System.out.printf("SIGTERM with %d buffered, drain-timeout 1s: exit %s after %d ms, %d delivered, "
				+ "%d dead-lettered as shutdown%n", BUFFERED, exit, took.toMillis(), delivered.size(), shutdownReasons);
		assertThat(shutdownReasons).isPositive();
		assertThat(outcomes).as("every message delivered or dead-lettered").hasSize(BUFFERED);
	}

	private long received() {
		Http.Response response = Http.get(this.service.port(), "/actuator/metrics/consumer.messages.received");
		return (response.status() != 200) ? 0 : response.json().get("measurements").get(0).get("value").asLong();
	}

	private StringRedisTemplate startService(String drainTimeout) throws IOException {
		this.connectionFactory = new LettuceConnectionFactory("127.0.0.1", redisServer.port());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);
		redis.delete("consumer:dead-letter");
		this.service = ServiceProcess.start("--spring.data.redis.url=" + redisServer.url(),
				"--consumer.concurrency=1", "--consumer.shutdown.drain-timeout=" + drainTimeout,
				"--consumer.notifications.sink=webhook", "--consumer.notifications.webhook-url=http://127.0.0.1:"
						+ webhook.getAddress().getPort() + "/hook");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> "UP".equals(Http.get(this.service.port(), "/actuator/health/readiness").healthStatus()));
		return redis;
	}

	private static void publishNotifications(StringRedisTemplate redis, int count) {
		byte[] channel = "notifications".getBytes(StandardCharsets.UTF_8);
		for (int from = 0; from < count; from += 500) {
			int to = Math.min(count, from + 500);
			int first = from;
			List<Object> receivers = redis.executePipelined((RedisCallback<Object>) (connection) -> {
				for (int i = first; i < to; i++) {
					connection.publish(channel, ("{\"type\":\"notification\",\"id\":\"n-" + i + "\",\"message\":\"m\"}")
						.getBytes(StandardCharsets.UTF_8));
				}
				return null;
			});
			assertThat(receivers).as("delivered to the service").allMatch((subscribers) -> Long.valueOf(1).equals(subscribers));
		}
	}

}
