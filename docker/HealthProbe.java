import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The container's HEALTHCHECK: exits 0 when the readiness endpoint answers 200, 1 otherwise (the
 * Dockerfile says why readiness). An argument replaces the URL, for example the liveness one.
 * A JRE image has no curl or wget, and needs none with this. One HTTP/1.0 request over a plain
 * socket: the JDK's HttpClient loads several times the classes, and a probe runs every few
 * seconds for the container's whole life.
 */
public final class HealthProbe {

	private static final int TIMEOUT_MILLIS = 2_000;

	private HealthProbe() {
	}

	public static void main(String[] args) {
		String port = System.getenv().getOrDefault("MANAGEMENT_SERVER_PORT",
				System.getenv().getOrDefault("SERVER_PORT", "8080"));
		URI uri = URI.create((args.length > 0) ? args[0] : "http://127.0.0.1:" + port + "/actuator/health/readiness");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String statusLine = readLine(socket.getInputStream());
			// "HTTP/1.1 200 ..."
			String[] parts = statusLine.split(" ", 3);
			System.exit((parts.length >= 2 && parts[1].equals("200")) ? 0 : 1);
		}
		catch (Exception ex) {
			System.err.println("health probe failed: " + ex);
			System.exit(1);
		}
	}

	private static String readLine(InputStream in) throws java.io.IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != -1 && b != '\n' && line.length() < 256) {
			line.append((char) b);
		}
		return line.toString().trim();
	}

}
