package io.messageconsumer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * Where the traced variant sends its spans: Zipkin's {@code POST /api/v2/spans}, answered
 * {@code 202} and counted, in the benchmark's JVM, so that the service pays for recording and
 * sending spans exactly as it would to a Zipkin server, and the receiving costs it nothing.
 */
final class TraceSink implements AutoCloseable {

	private final HttpServer server;

	private final AtomicLong posts = new AtomicLong();

	private final AtomicLong bytes = new AtomicLong();

	TraceSink() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/api/v2/spans", (exchange) -> {
			try (InputStream body = exchange.getRequestBody()) {
				this.bytes.addAndGet(body.transferTo(OutputStream.nullOutputStream()));
			}
			this.posts.incrementAndGet();
			exchange.sendResponseHeaders(202, -1);
			exchange.close();
		});
		this.server.start();
	}

	/** The endpoint to give {@code management.tracing.export.zipkin.endpoint}. */
	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/v2/spans";
	}

	/** Span batches received so far. */
	long posts() {
		return this.posts.get();
	}

	/** Bytes of spans received so far. */
	long bytes() {
		return this.bytes.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
