package io.messageconsumer.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The structured-mode events the official {@code cloudevents} JavaScript SDK 10 wrote, kept as
 * test resources in {@code io/messageconsumer/decode/cloudevents-sdk} (see its README for how
 * they were made).
 */
public final class CloudEventsSdk {

	private static final Pattern DATA_BASE64 = Pattern.compile("\"data_base64\":\"([^\"]*)\"");

	private CloudEventsSdk() {
	}

	/**
	 * An event as the SDK wrote it.
	 * @param name the fixture's name, e.g. {@code binary-data}
	 * @return its JSON
	 */
	public static String event(String name) {
		String resource = "/io/messageconsumer/decode/cloudevents-sdk/" + name + ".json";
		try (InputStream in = CloudEventsSdk.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("no fixture " + resource);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * An event of the SDK with every occurrence of a text replaced, in its {@code data_base64}
	 * too (decoded, replaced, encoded again), e.g. to give each test run ids of its own.
	 * @param name the fixture's name
	 * @param text what to replace, e.g. the event's id
	 * @param replacement its replacement
	 * @return the event's JSON
	 */
	public static String event(String name, String text, String replacement) {
		Matcher data = DATA_BASE64.matcher(event(name).replace(text, replacement));
		StringBuilder json = new StringBuilder();
		while (data.find()) {
			String decoded = new String(Base64.getDecoder().decode(data.group(1)), StandardCharsets.UTF_8);
			String encoded = Base64.getEncoder()
				.encodeToString(decoded.replace(text, replacement).getBytes(StandardCharsets.UTF_8));
			data.appendReplacement(json, Matcher.quoteReplacement("\"data_base64\":\"" + encoded + "\""));
		}
		return data.appendTail(json).toString();
	}

}
