package io.messageconsumer.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tiny HTTP client for the actuator endpoints of an application under test.
 */
public final class Http {

	private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private Http() {
	}

	/**
	 * GET a path on localhost.
	 * @param port the server port
	 * @param path the path, e.g. {@code /actuator/health}
	 * @return the response
	 */
	public static Response get(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		return send(request);
	}

	/**
	 * The status of a health endpoint on localhost, e.g. {@code health(port, "consumer")} for
	 * {@code /actuator/health/consumer}.
	 * @param port the server port
	 * @param component the health component or group, e.g. {@code consumer} or {@code readiness}
	 * @return the status, e.g. {@code UP}, or {@code UNREACHABLE}
	 */
	public static String health(int port, String component) {
		return get(port, "/actuator/health/" + component).healthStatus();
	}

	/**
	 * POST a JSON body to a path on localhost.
	 * @param port the server port
	 * @param path the path, e.g. {@code /actuator/deadletters/replay}
	 * @param jsonBody the JSON request body
	 * @return the response
	 */
	public static Response post(int port, String path, String jsonBody) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(jsonBody))
			.build();
		return send(request);
	}

	/** Send a request; a request that fails (no server, time-out) is a response of status -1. */
	private static Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			return new Response(-1, String.valueOf(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code, -1 when the request failed
	 * @param body the body
	 */
	public record Response(int status, String body) {

		/**
		 * The body as JSON.
		 * @return the parsed body
		 */
		public JsonNode json() {
			return json.readTree(this.body);
		}

		/**
		 * The {@code status} member of a health response, or {@code UNREACHABLE}.
		 * @return the health status
		 */
		public String healthStatus() {
			if (this.status < 0) {
				return "UNREACHABLE";
			}
			return json().path("status").asString("NONE");
		}

	}

}
