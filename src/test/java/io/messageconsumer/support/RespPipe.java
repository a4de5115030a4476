package io.messageconsumer.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Publishes a burst the way {@code redis-cli --pipe} does: every {@code PUBLISH} encoded up front
 * and written in one go over a plain socket, then the replies counted. No client is faster, so
 * this is the burst that outruns a consumer.
 */
public final class RespPipe {

	private RespPipe() {
	}

	/**
	 * Publish messages as fast as the socket takes them.
	 * @param host the server's host
	 * @param port the server's port
	 * @param channel the channel
	 * @param count how many messages
	 * @param message the message for a number from 0
	 * @return the sum of the replies: deliveries to subscribers
	 * @throws IOException when Redis cannot be reached
	 */
	public static long publish(String host, int port, String channel, int count, IntFunction<String> message)
			throws IOException {
		ByteArrayOutputStream commands = new ByteArrayOutputStream(count * 64);
		for (int i = 0; i < count; i++) {
			bulkArray(commands, "PUBLISH", channel, message.apply(i));
		}
		try (Socket socket = new Socket(host, port)) {
			Thread writer = new Thread(() -> {
				try {
					OutputStream out = socket.getOutputStream();
					commands.writeTo(out);
					out.flush();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}, "resp-pipe-writer");
			writer.start();
			long delivered = readIntegerReplies(socket.getInputStream(), count);
			writer.join();
			return delivered;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static void bulkArray(ByteArrayOutputStream out, String... parts) {
		out.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String part : parts) {
			byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
			out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(bytes);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
	}

	private static long readIntegerReplies(InputStream in, int count) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long sum = 0;
		long value = 0;
		int replies = 0;
		while (replies < count) {
			int read = in.read(buffer);
			if (read < 0) {
				throw new IOException("Redis closed the connection after " + replies + " of " + count + " replies");
			}
			for (int i = 0; i < read; i++) {
				byte b = buffer[i];
				if (b == '-') {
					throw new IOException("Redis refused a PUBLISH");
				}
				if (b >= '0' && b <= '9') {
					value = value * 10 + (b - '0');
				}
				else if (b == '\n') {
					sum += value;
					value = 0;
					replies++;
				}
			}
		}
		return sum;
	}

}
