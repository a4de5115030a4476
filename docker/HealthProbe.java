import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container's HEALTHCHECK: exits 0 when the readiness endpoint answers 200, 1 otherwise (the
 * Dockerfile says why readiness). An argument replaces the URL, for example the liveness one.
 * A JRE image has no curl or wget, and needs none with this.
 */
public final class HealthProbe {

	private HealthProbe() {
	}

	public static void main(String[] args) {
		String port = System.getenv().getOrDefault("MANAGEMENT_SERVER_PORT",
				System.getenv().getOrDefault("SERVER_PORT", "8080"));
		String url = (args.length > 0) ? args[0] : "http://127.0.0.1:" + port + "/actuator/health/readiness";
		try {
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
			HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
			int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			System.exit((status == 200) ? 0 : 1);
		}
		catch (Exception ex) {
			System.err.println("health probe failed: " + ex);
			System.exit(1);
		}
	}

}
