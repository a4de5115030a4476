package io.messageconsumer.redis;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLException;

import io.lettuce.core.RedisCommandExecutionException;
import org.apache.commons.logging.Log;

import io.messageconsumer.support.LogText;

/**
 * Turns a failed Redis call into one line an operator can act on, and logs each distinct problem
 * once a minute at most while Redis keeps failing, rather than a stack trace per attempt (a
 * rejected password and a connection Redis closes after it may alternate).
 * <p>
 * A rejected password, a missing ACL grant and a failed TLS handshake are told apart from an
 * unreachable server: they will not fix themselves, so the line names what to check.
 */
public final class RedisProblem {

	private static final Duration REPEAT_EVERY = Duration.ofMinutes(1);

	private static final int MAX_REMEMBERED = 16;

	private final Log logger;

	/** When each recent problem was last logged: problems may alternate while Redis refuses us. */
	private final Map<String, Long> loggedAt = new LinkedHashMap<>();

	public RedisProblem(Log logger) {
		this.logger = logger;
	}

	/**
	 * Describe a failure.
	 * @param ex what the Redis call threw
	 * @return one line naming the cause
	 */
	public static String describe(Throwable ex) {
		String root = String.valueOf(ex.getMessage());
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = String.valueOf(cause.getMessage());
			if (cause instanceof SSLException) {
				return describeTls(cause);
			}
			if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
				return "Redis rejected the credentials (" + LogText.safe(message) + "): check spring.data.redis.url, "
						+ "or spring.data.redis.username and spring.data.redis.password";
			}
			if (message.startsWith("NOPERM")) {
				return "Redis refused a command to the configured user (" + LogText.safe(message)
						+ "): grant it in the user's ACL (docs/redis-access.md)";
			}
			if (cause instanceof RedisCommandExecutionException) {
				// Redis answered, with an error reply (WRONGTYPE, NOGROUP, ...): it is reachable.
				return "Redis refused a command: " + LogText.safe(message);
			}
			root = message;
		}
		return "Redis unreachable: " + LogText.safe(root);
	}

	/** A failed TLS handshake: which check failed, and where the trust material is configured. */
	private static String describeTls(Throwable ex) {
		String message = String.valueOf(ex.getMessage());
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
				message = String.valueOf(cause.getMessage());
				return "Redis TLS handshake failed, the server's certificate is outside its validity period ("
						+ LogText.safe(message) + "): renew the server's certificate";
			}
		}
		String what;
		if (message.contains("PKIX") || message.contains("certification path")) {
			what = "the server's certificate is not signed by a CA the client trusts";
		}
		else if (message.contains("subject alternative name") || message.contains("No name matching")) {
			what = "the server's certificate does not name the host the client connects to";
		}
		else {
			what = "the client and the server could not agree (does the server speak TLS on that port?)";
		}
		return "Redis TLS handshake failed, " + what + " (" + LogText.safe(message) + "): check "
				+ "spring.data.redis.ssl.bundle and that bundle's trust store (spring.ssl.bundle.pem.<bundle>.truststore.certificate "
				+ "or spring.ssl.bundle.jks.<bundle>.truststore.location), spring.data.redis.host, and the server's tls-cert-file";
	}

	/**
	 * Log a problem when it is new, or when it has lasted another minute.
	 * @param problem the line from {@link #describe(Throwable)}
	 */
	public synchronized void report(String problem) {
		long now = System.nanoTime();
		Long last = this.loggedAt.get(problem);
		if (last == null || now - last > REPEAT_EVERY.toNanos()) {
			this.logger.warn(problem + "; retrying");
			if (this.loggedAt.size() >= MAX_REMEMBERED && last == null) {
				this.loggedAt.remove(this.loggedAt.keySet().iterator().next());
			}
			this.loggedAt.put(problem, now);
		}
	}

	/** Redis answers again: the next problem is news. */
	public synchronized void clear() {
		if (!this.loggedAt.isEmpty()) {
			this.logger.info("Redis answers again");
			this.loggedAt.clear();
		}
	}

}
