package io.messageconsumer.redis;

import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisProblem}: one actionable line per distinct problem.
 */
class RedisProblemTests {

	private final List<String> warnings = new ArrayList<>();

	private final RedisProblem problems = new RedisProblem(new NoOpLog() {

		@Override
		public void warn(Object message) {
			RedisProblemTests.this.warnings.add(String.valueOf(message));
		}

	});

	@Test
	void namesTheCredentialPropertiesForARejectedPassword() {
		String problem = RedisProblem.describe(new RedisConnectionException("Unable to connect",
				new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled.")));
		assertThat(problem).startsWith("Redis rejected the credentials (WRONGPASS")
			.contains("spring.data.redis.url")
			.contains("spring.data.redis.password");
	}

	@Test
	void namesTheAclForAMissingGrant() {
		String problem = RedisProblem.describe(new RedisCommandExecutionException("NOPERM this user has no permissions"));
		assertThat(problem).startsWith("Redis refused a command to the configured user (NOPERM");
	}

	@Test
	void tellsAnErrorReplyFromAnUnreachableServer() {
		String problem = RedisProblem.describe(new IllegalStateException("read failed",
				new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value")));
		assertThat(problem).isEqualTo("Redis refused a command: WRONGTYPE Operation against a key holding the wrong kind of value");
	}

	@Test
	void namesTheTrustStoreForAServerCertificateFromAnUntrustedCa() {
		String problem = RedisProblem.describe(new RedisConnectionException("Unable to connect to 127.0.0.1:6380",
				new SSLHandshakeException("PKIX path building failed: unable to find valid certification path to requested target")));
		assertThat(problem).startsWith("Redis TLS handshake failed, the server's certificate is not signed by a CA the client trusts (PKIX")
			.contains("spring.data.redis.ssl.bundle")
			.contains("spring.ssl.bundle.pem.<bundle>.truststore.certificate");
	}

	@Test
	void namesTheHostForACertificateIssuedToAnotherName() {
		String problem = RedisProblem.describe(new RedisConnectionException("Unable to connect",
				new SSLHandshakeException("No subject alternative names matching IP address 10.0.0.5 found")));
		assertThat(problem).startsWith("Redis TLS handshake failed, the server's certificate does not name the host")
			.contains("spring.data.redis.host");
	}

	@Test
	void saysWhenTheServersCertificateExpired() {
		SSLHandshakeException handshake = new SSLHandshakeException("validity check failed");
		handshake.initCause(new CertificateExpiredException("NotAfter: Mon Nov 23 10:00:00 UTC 2026"));
		String problem = RedisProblem.describe(new RedisConnectionException("Unable to connect", handshake));
		assertThat(problem).startsWith("Redis TLS handshake failed, the server's certificate is outside its validity period");
	}

	@Test
	void saysUnreachableWithTheRootCauseOtherwise() {
		String problem = RedisProblem.describe(new IllegalStateException("wrapper",
				new RedisConnectionException("Connection refused: /127.0.0.1:6399")));
		assertThat(problem).isEqualTo("Redis unreachable: Connection refused: /127.0.0.1:6399");
	}

	@Test
	void logsEachProblemOnceEvenWhenProblemsAlternate() {
		for (int i = 0; i < 5; i++) {
			this.problems.report("Redis rejected the credentials (WRONGPASS)");
			this.problems.report("Redis unreachable: Connection closed prematurely");
		}
		assertThat(this.warnings).containsExactly("Redis rejected the credentials (WRONGPASS); retrying",
				"Redis unreachable: Connection closed prematurely; retrying");
	}

	@Test
	void logsAgainOnceRedisAnsweredInBetween() {
		this.problems.report("Redis unreachable: x");
		this.problems.clear();
		this.problems.report("Redis unreachable: x");
		assertThat(this.warnings).hasSize(2);
	}

}
