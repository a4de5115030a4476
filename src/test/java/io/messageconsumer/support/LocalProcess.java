package io.messageconsumer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process a test started on a free port of 127.0.0.1, its console output in a file: the
 * service ({@link ServiceProcess}) or a TLS {@code redis-server} ({@link RedisTlsServerProcess}).
 */
public abstract class LocalProcess implements AutoCloseable {

	/** The process. */
	protected final Process process;

	private final int port;

	private final Path log;

	/**
	 * Wrap a started process.
	 * @param process the process
	 * @param port its port
	 * @param log the file its output goes to
	 */
	protected LocalProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * A port of 127.0.0.1 free at the time of asking.
	 * @return the port
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port on 127.0.0.1", ex);
		}
	}

	/**
	 * The port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Its output so far.
	 * @return the text, or the reason it could not be read
	 */
	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	/**
	 * The file holding its output.
	 * @return the path
	 */
	protected Path logPath() {
		return this.log;
	}

}
