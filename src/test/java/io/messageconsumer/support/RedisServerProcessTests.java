package io.messageconsumer.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisServerProcess}, against a real {@code redis-server}.
 */
class RedisServerProcessTests {

	@RegisterExtension
	final CloseAfterEach closing = new CloseAfterEach();

	private RedisServerProcess server;

	@Test
	void startsOnLoopbackAndAnswersPing() {
		this.server = this.closing.add(RedisServerProcess.start());

		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.url()).isEqualTo("redis://127.0.0.1:" + this.server.port());
		assertThat(this.server.cli("PING")).isEqualTo("PONG");
		assertThat(ping(this.server.port())).isEqualTo("+PONG");
		assertThat(this.server.cli("CONFIG", "GET", "bind")).contains("127.0.0.1");
		assertThat(this.server.logFile()).content().contains("Ready to accept connections");
	}

	@Test
	void persistsNothing() {
		this.server = this.closing.add(RedisServerProcess.start());

		assertThat(this.server.cli("CONFIG", "GET", "save")).isEqualTo("save");
		assertThat(this.server.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
	}

	@Test
	void restartsOnTheSamePortAfterKill() {
		this.server = this.closing.add(RedisServerProcess.start());
		int port = this.server.port();
		this.server.cli("SET", "greeting", "hello");

		this.server.kill();

		assertThat(this.server.isRunning()).isFalse();
		assertThat(ping(port)).isNull();

		this.server.restart();

		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.port()).isEqualTo(port);
		assertThat(this.server.cli("PING")).isEqualTo("PONG");
		assertThat(this.server.cli("EXISTS", "greeting")).isEqualTo("0");
	}

	@Test
	void restartsAfterStopAndWhileRunning() {
		this.server = this.closing.add(RedisServerProcess.start());
		int port = this.server.port();

		this.server.stop();
		assertThat(ping(port)).isNull();
		this.server.restart();
		assertThat(this.server.cli("PING")).isEqualTo("PONG");

		this.server.restart();
		assertThat(this.server.port()).isEqualTo(port);
		assertThat(this.server.cli("PING")).isEqualTo("PONG");
	}

	@Test
	void pauseFreezesTheServerAndResumeThawsIt() {
		this.server = this.closing.add(RedisServerProcess.start());

		this.server.pause();

		assertThat(this.server.isRunning()).isTrue();
		assertThat(ping(this.server.port())).isNull();

		this.server.resume();

		await().atMost(Duration.ofSeconds(5)).until(() -> "+PONG".equals(ping(this.server.port())));
		assertThat(this.server.cli("PING")).isEqualTo("PONG");
	}

	@Test
	void stopsAPausedServer() {
		this.server = this.closing.add(RedisServerProcess.start());
		this.server.pause();

		this.server.stop();

		assertThat(this.server.isRunning()).isFalse();
		assertThat(ping(this.server.port())).isNull();
	}

	@Test
	void stopIsIdempotent() {
		this.server = this.closing.add(RedisServerProcess.start());

		this.server.stop();
		this.server.stop();
		this.server.kill();

		assertThat(this.server.isRunning()).isFalse();
	}

	@Test
	void passesExtraArgumentsAndAuthenticatesTheCli() {
		this.server = this.closing.add(RedisServerProcess.start("--requirepass", "s3cret"));

		assertThat(ping(this.server.port())).startsWith("-NOAUTH");
		assertThat(this.server.cli("PING")).isEqualTo("PONG");
	}

	@Test
	void cliReportsAServerThatIsDown() {
		this.server = this.closing.add(RedisServerProcess.start());
		this.server.stop();

		assertThatIllegalStateException().isThrownBy(() -> this.server.cli("PING"))
			.withMessageContaining("Could not connect");
	}

	@Test
	void failsWithTheLogWhenRedisRejectsItsArguments() {
		assertThatIllegalStateException().isThrownBy(() -> RedisServerProcess.start("--no-such-directive", "1"))
			.withMessageContaining("during start-up")
			.withMessageContaining("no-such-directive");
	}

	/**
	 * Sends a raw PING and returns the first reply line, or {@code null} when the server does
	 * not answer within 300 ms or refuses the connection.
	 */
	private static String ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
			socket.setSoTimeout(300);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			StringBuilder reply = new StringBuilder();
			for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
				reply.append((char) b);
			}
			return reply.isEmpty() ? null : reply.toString().trim();
		}
		catch (IOException ex) {
			return null;
		}
	}

}
