package io.messageconsumer;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisTlsServerProcess;
import io.messageconsumer.support.ServiceProcess;
import io.messageconsumer.support.ServiceProcesses;
import io.messageconsumer.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A TLS-only Redis ({@code --port 0 --tls-port}) with a certificate from a test CA: the packaged
 * service, configured with a Spring SSL bundle trusting that CA and verifying the peer, consumes
 * over TLS on every connection (the subscriber's dedicated one too) and is healthy; trusting
 * another CA, it stays alive but not ready, says once which certificate check failed and which
 * property to look at, and retries at the pace of its back-off.
 */
class RedisTlsIntegrationTests {

	private static final Duration OBSERVED = Duration.ofSeconds(10);

	private static TestCertificates certificates;

	private static TestCertificates otherCa;

	private static RedisTlsServerProcess redisServer;

	@RegisterExtension
	final ServiceProcesses services = new ServiceProcesses();

	private ServiceProcess service;

	@BeforeAll
	static void startTlsRedis() {
		certificates = TestCertificates.create("redis");
		otherCa = TestCertificates.create("other");
		redisServer = RedisTlsServerProcess.start(certificates);
	}

	@AfterAll
	static void stopRedis() {
		redisServer.close();
	}

	@Test
	void consumesOverTlsWithTheBundleTrustingTheServersCa() throws IOException {
		this.service = startService(certificates);
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(this.service.health("readiness")));
		String id = "tls-" + UUID.randomUUID();
		assertThat(redisServer.cli("PUBLISH", "orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}")).isEqualTo("1");
		await().atMost(Duration.ofSeconds(10)).until(() -> "received".equals(redisServer.cli("HGET", "orders:" + id, "status")));
		Http.Response health = Http.get(this.service.port(), "/actuator/health");
		assertThat(health.healthStatus()).as(health.body()).isEqualTo("UP");
		// The subscriber is on the dedicated connection factory: over TLS too, or it would not be listed.
		assertThat(Http.get(this.service.port(), "/actuator/health/consumer").body()).contains("\"listening\":true");
		assertThat(this.service.log()).doesNotContain("PKIX").doesNotContain("SSLHandshakeException");
	}

	@Test
	void aBundleTrustingAnotherCaIsReportedOnceAndRetriedWithBackOff() throws IOException {
		this.service = startService(otherCa);
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(this.service.health("liveness"))
					&& this.service.log().contains("Started ConsumerApplication"));
		// Past start-up: from here on the service only retries.
		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.log().contains("Redis TLS handshake failed"));
		long handshakesBefore = failedHandshakes();
		long linesBefore = this.service.log().lines().count();
		long started = System.nanoTime();
		await().during(OBSERVED).atMost(OBSERVED.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			Http.Response readiness = Http.get(this.service.port(), "/actuator/health/readiness");
			return this.service.isAlive() && readiness.status() == 503 && "DOWN".equals(readiness.healthStatus())
					&& "UP".equals(this.service.health("liveness"));
		});
		double seconds = (System.nanoTime() - started) / 1e9;
		long handshakes = failedHandshakes() - handshakesBefore;
		long lines = this.service.log().lines().count() - linesBefore;
		String log = this.service.log();
		long clearLines = log.lines().filter((line) -> line.contains("Redis TLS handshake failed")).count();
		System.out.printf("Wrong CA: %d failed TLS handshakes and %d log lines in %.1f s (%d readiness and liveness"
				+ " probes a second); %d line(s) naming the cause%n", handshakes, lines, seconds, 2, clearLines);
		String clear = log.lines().filter((line) -> line.contains("Redis TLS handshake failed")).findFirst().orElseThrow();
		assertThat(clear).contains("spring.data.redis.ssl.bundle").contains("truststore");
		assertThat(clearLines).as("said once, not at every retry").isEqualTo(1);
		assertThat(Http.get(this.service.port(), "/actuator/health/consumer").body()).contains("Redis TLS handshake failed");
		// Every source of connection attempts is paced: the subscriber (back-off capped at 5 s), the
		// subscription check (every 2 s), the canary (every second while it is late) and each health
		// probe (two a second here, one connection attempt each for Boot's Redis indicator).
		assertThat(handshakes / seconds).as("connection attempts per second").isLessThan(6);
		assertThat(lines / seconds).as("log lines per second").isLessThan(1);
		assertThat(log).doesNotContain("APPLICATION FAILED TO START");
	}

	private long failedHandshakes() {
		return redisServer.log().lines().filter((line) -> line.contains("Error accepting a client connection")).count();
	}

	private ServiceProcess startService(TestCertificates trusted) throws IOException {
		return this.services.start("--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisServer.port(), "--spring.data.redis.ssl.enabled=true",
				"--spring.data.redis.ssl.bundle=redis",
				"--spring.ssl.bundle.pem.redis.truststore.certificate=file:" + trusted.caCertificate());
	}

}
