package io.messageconsumer.notification;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class WebhookNotificationSinkTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

	private static final NotificationMessage NOTIFICATION = new NotificationMessage("Your order shipped \u2714", "n-1",
			"c-7", "email");

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final CountDownLatch releaseSlowResponses = new CountDownLatch(1);

	private ExecutorService executor;

	private HttpServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.executor = Executors.newCachedThreadPool();
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/ok", (exchange) -> respond(exchange, 200));
		this.server.createContext("/accepted", (exchange) -> respond(exchange, 202));
		this.server.createContext("/fail", (exchange) -> respond(exchange, 500));
		this.server.createContext("/not-found", (exchange) -> respond(exchange, 404));
		this.server.createContext("/redirect", (exchange) -> {
			exchange.getResponseHeaders().add("Location", url("/ok").toString());
			respond(exchange, 302);
		});
		this.server.createContext("/slow", (exchange) -> {
			try {
				this.releaseSlowResponses.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			respond(exchange, 200);
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.releaseSlowResponses.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	@Test
	void postsTheNotificationAsJsonOn2xx() {
		sink(url("/ok")).deliver(NOTIFICATION);
		assertThat(this.requests).hasSize(1);
		Request request = this.requests.get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.contentType()).startsWith("application/json");
		JsonNode body = this.json.readTree(request.body());
		assertThat(body.get("message").stringValue()).isEqualTo("Your order shipped \u2714");
		assertThat(body.get("id").stringValue()).isEqualTo("n-1");
		assertThat(body.get("recipient").stringValue()).isEqualTo("c-7");
		assertThat(body.get("channel").stringValue()).isEqualTo("email");
		assertThat(this.json.treeToValue(body, NotificationMessage.class)).isEqualTo(NOTIFICATION);
	}

	@Test
	void treatsAny2xxAsDelivered() {
		sink(url("/accepted")).deliver(NOTIFICATION);
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void failsOnServerError() {
		Throwable failure = catchThrowable(() -> sink(url("/fail")).deliver(NOTIFICATION));
		assertThat(failure).isNotNull().hasMessageContaining("500");
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void failsOnClientError() {
		Throwable failure = catchThrowable(() -> sink(url("/not-found")).deliver(NOTIFICATION));
		assertThat(failure).isNotNull().hasMessageContaining("404");
	}

	@Test
	void failsOnRedirectWithoutFollowingIt() {
		Throwable failure = catchThrowable(() -> sink(url("/redirect")).deliver(NOTIFICATION));
		assertThat(failure).isNotNull().hasMessageContaining("302");
		assertThat(this.requests).extracting(Request::path).containsExactly("/redirect");
	}

	@Test
	void failsWithinTheReadTimeoutWhenTheServerIsSlow() {
		long started = System.nanoTime();
		Throwable failure = catchThrowable(() -> sink(url("/slow")).deliver(NOTIFICATION));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
		assertThat(failure).isNotNull();
		assertThat(elapsed).isLessThan(READ_TIMEOUT.plusSeconds(2));
	}

	@Test
	void failsWhenTheConnectionIsRefused() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		URI url = URI.create("http://127.0.0.1:" + closedPort + "/ok");
		Throwable failure = catchThrowable(() -> sink(url).deliver(NOTIFICATION));
		assertThat(failure).isNotNull();
	}

	private WebhookNotificationSink sink(URI url) {
		return new WebhookNotificationSink(url, CONNECT_TIMEOUT, READ_TIMEOUT, this.json);
	}

	private URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	private void respond(HttpExchange exchange, int status) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			this.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("Content-Type"), in.readAllBytes()));
		}
		exchange.sendResponseHeaders(status, -1);
		exchange.close();
	}

	record Request(String method, String path, String contentType, byte[] body) {
	}

}
