package io.messageconsumer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate it signed for {@code 127.0.0.1}
 * and {@code localhost}, as PEM files made with {@code openssl}, for TLS tests.
 *
 * @param directory where the files are
 * @param caCertificate the CA's certificate (what a client trusts)
 * @param serverCertificate the server's certificate, signed by the CA
 * @param serverKey the server's private key (unencrypted PKCS#8)
 */
public record TestCertificates(Path directory, Path caCertificate, Path serverCertificate, Path serverKey) {

	/**
	 * Make a CA and a server certificate signed by it, valid for two days.
	 * @param name a name for the CA's subject and the directory
	 * @return the files
	 * @throws IllegalStateException when {@code openssl} is missing or fails
	 */
	public static TestCertificates create(String name) {
		try {
			Path directory = Files.createTempDirectory("tls-" + name);
			Path caKey = directory.resolve("ca.key");
			Path ca = directory.resolve("ca.crt");
			Path key = directory.resolve("server.key");
			Path request = directory.resolve("server.csr");
			Path certificate = directory.resolve("server.crt");
			Path extensions = directory.resolve("server.ext");
			Files.writeString(extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
					+ "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
					StandardCharsets.US_ASCII);
			openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
					ca.toString(), "-days", "2", "-subj", "/CN=" + name + " test CA", "-addext",
					"basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
			openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
					request.toString(), "-subj", "/CN=localhost");
			openssl(directory, "x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey",
					caKey.toString(), "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile",
					extensions.toString());
			return new TestCertificates(directory, ca, certificate, key);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void openssl(Path directory, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		Path output = directory.resolve("openssl.out");
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(output));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running openssl", ex);
		}
	}

}
