package io.messageconsumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.messageconsumer.PubSubSourceContractTests.Malformed;

/**
 * Malformed inputs, each with the reason code it must be dead-lettered with
 * (for a service whose {@code consumer.max-message-bytes} is 65536).
 */
final class MalformedCorpus {

	private MalformedCorpus() {
	}

	static List<Malformed> inputs() {
		List<Malformed> corpus = new ArrayList<>();
		add(corpus, "oversized", "{\"type\":\"order\",\"id\":\"big\",\"pad\":\"" + "a".repeat(70_000) + "\"}", "too_large");
		corpus.add(new Malformed("invalid UTF-8 byte", concat("{\"type\":\"order\",\"id\":\"", new byte[] { (byte) 0xFF },
				"\"}"), "invalid_encoding"));
		corpus.add(new Malformed("overlong UTF-8", concat("{\"type\":\"order\",\"id\":\"", new byte[] { (byte) 0xC0,
				(byte) 0xAF }, "\"}"), "invalid_encoding"));
		corpus.add(new Malformed("UTF-8 surrogate", concat("{\"type\":\"order\",\"id\":\"", new byte[] { (byte) 0xED,
				(byte) 0xA0, (byte) 0x80 }, "\"}"), "invalid_encoding"));
		add(corpus, "empty", "", "invalid_json");
		add(corpus, "plain text", "not json at all", "invalid_json");
		add(corpus, "truncated object", "{\"type\":\"order\"", "invalid_json");
		add(corpus, "trailing garbage", "{\"type\":\"order\",\"id\":\"t\"} x", "invalid_json");
		add(corpus, "two values", "{} {}", "invalid_json");
		add(corpus, "duplicate member", "{\"type\":\"order\",\"type\":\"notification\"}", "invalid_json");
		add(corpus, "deep nesting", "[".repeat(5000) + "]".repeat(5000), "invalid_json");
		add(corpus, "huge number", "{\"type\":\"order\",\"id\":\"n\",\"total\":" + "9".repeat(5000) + "}", "invalid_json");
		add(corpus, "single quotes", "{'type':'order'}", "invalid_json");
		add(corpus, "NaN", "{\"type\":\"order\",\"id\":\"x\",\"total\":NaN}", "invalid_json");
		add(corpus, "-Infinity", "{\"type\":\"order\",\"id\":\"x\",\"total\":-Infinity}", "invalid_json");
		add(corpus, "trailing comma", "{\"type\":\"order\",\"id\":\"x\",}", "invalid_json");
		add(corpus, "unquoted name", "{type:\"order\"}", "invalid_json");
		add(corpus, "comment", "{\"type\":\"order\" /* c */}", "invalid_json");
		add(corpus, "leading plus", "{\"type\":\"order\",\"total\":+1}", "invalid_json");
		add(corpus, "bad escape", "{\"type\":\"order\",\"id\":\"\\q\"}", "invalid_json");
		add(corpus, "array", "[1,2,3]", "not_an_object");
		add(corpus, "string", "\"order\"", "not_an_object");
		add(corpus, "number", "42", "not_an_object");
		add(corpus, "null", "null", "not_an_object");
		add(corpus, "no type", "{\"id\":\"x\"}", "missing_type");
		add(corpus, "empty type", "{\"type\":\"\"}", "missing_type");
		add(corpus, "blank type", "{\"type\":\"   \"}", "missing_type");
		add(corpus, "numeric type", "{\"type\":123}", "missing_type");
		add(corpus, "wrong case type", "{\"type\":\"Order\",\"id\":\"x\"}", "unknown_type");
		add(corpus, "unknown type", "{\"type\":\"refund\",\"id\":\"x\"}", "unknown_type");
		add(corpus, "untrimmed type", "{\"type\":\"order \",\"id\":\"x\"}", "unknown_type");
		add(corpus, "gadget with CRLF", "{\"type\":\"order\\r\\nFORGED ERROR line\",\"@class\":\"java.lang.Runtime\"}",
				"unknown_type");
		add(corpus, "order without id", "{\"type\":\"order\"}", "invalid_payload");
		add(corpus, "order id too long", "{\"type\":\"order\",\"id\":\"" + "x".repeat(129) + "\"}", "invalid_payload");
		add(corpus, "zero quantity", "{\"type\":\"order\",\"id\":\"q\",\"items\":[{\"sku\":\"S\",\"quantity\":0}]}",
				"invalid_payload");
		add(corpus, "bad currency", "{\"type\":\"order\",\"id\":\"c\",\"currency\":\"euro\"}", "invalid_payload");
		add(corpus, "negative total", "{\"type\":\"order\",\"id\":\"t\",\"total\":-1}", "invalid_payload");
		add(corpus, "items not an array", "{\"type\":\"order\",\"id\":\"i\",\"items\":\"abc\"}", "invalid_payload");
		add(corpus, "string total", "{\"type\":\"order\",\"id\":\"s\",\"total\":\"19.00\"}", "invalid_payload");
		add(corpus, "boolean id", "{\"type\":\"order\",\"id\":true}", "invalid_payload");
		add(corpus, "fractional id", "{\"type\":\"order\",\"id\":1.5}", "invalid_payload");
		add(corpus, "23-digit id", "{\"type\":\"order\",\"id\":12345678901234567890123}", "invalid_payload");
		add(corpus, "string quantity", "{\"type\":\"order\",\"id\":\"q\",\"items\":[{\"sku\":\"S\",\"quantity\":\"2\"}]}",
				"invalid_payload");
		add(corpus, "numeric message", "{\"type\":\"notification\",\"message\":42}", "invalid_payload");
		add(corpus, "notification without message", "{\"type\":\"notification\",\"id\":\"n\"}", "invalid_payload");
		add(corpus, "notification too long",
				"{\"type\":\"notification\",\"message\":\"" + "m".repeat(10_001) + "\"}", "invalid_payload");
		add(corpus, "CloudEvents without data", "{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"source\":\"/s\"}",
				"invalid_payload");
		add(corpus, "CloudEvents without id",
				"{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/s\",\"data\":{\"id\":\"e\"}}", "invalid_payload");
		add(corpus, "CloudEvents XML data", "{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\",\"source\":\"/s\","
				+ "\"datacontenttype\":\"application/xml\",\"data\":{\"id\":\"e\"}}", "unsupported_content_type");
		add(corpus, "CloudEvents invalid data_base64", "{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\","
				+ "\"source\":\"/s\",\"data_base64\":\"not base64!\"}", "invalid_payload");
		add(corpus, "CloudEvents data_base64 of NaN", "{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\","
				+ "\"source\":\"/s\",\"data_base64\":\"eyJ0b3RhbCI6TmFOfQ==\"}", "invalid_payload");
		add(corpus, "CloudEvents data and data_base64", "{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e\","
				+ "\"source\":\"/s\",\"data\":{\"id\":\"e\"},\"data_base64\":\"e30=\"}", "invalid_payload");
		add(corpus, "CloudEvents 0.3", "{\"specversion\":\"0.3\",\"type\":\"order\",\"id\":\"e\",\"source\":\"/s\","
				+ "\"data\":{\"id\":\"e\"}}", "invalid_payload");
		return corpus;
	}

	private static void add(List<Malformed> corpus, String name, String text, String reason) {
		corpus.add(new Malformed(name, text.getBytes(StandardCharsets.UTF_8), reason));
	}

	private static byte[] concat(String before, byte[] middle, String after) {
		byte[] head = before.getBytes(StandardCharsets.UTF_8);
		byte[] tail = after.getBytes(StandardCharsets.UTF_8);
		byte[] all = new byte[head.length + middle.length + tail.length];
		System.arraycopy(head, 0, all, 0, head.length);
		System.arraycopy(middle, 0, all, head.length, middle.length);
		System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
		return all;
	}

}
