package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import io.messageconsumer.message.Envelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sequence attributes the decoder picks up for loss accounting: the CloudEvents
 * {@code sequence} (a string of digits or a JSON integer) and the plain form's {@code seq}.
 */
class EnvelopeSequenceTests {

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(4096), 4096);

	@Test
	void readsCloudEventsSequenceAndSource() {
		assertThat(sequence("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/shop\",\"id\":\"e-1\","
				+ "\"sequence\":\"42\",\"data\":{\"id\":\"A-1\",\"source\":\"not-this\"}}"))
			.isEqualTo(new Envelope.Sequence("/shop", 42));
	}

	@Test
	void readsCloudEventsSequenceWhereverItStandsAndWithAnIntegerId() {
		assertThat(sequence("{\"sequence\":\"00017\",\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/shop\","
				+ "\"id\":\"e-1\",\"data\":{\"id\":\"A-1\"},\"extra\":[1]}"))
			.isEqualTo(new Envelope.Sequence("/shop", 17));
		assertThat(sequence("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":7,\"sequence\":\"9\","
				+ "\"data\":{\"id\":\"A-1\"}}"))
			.isEqualTo(new Envelope.Sequence(null, 9));
	}

	@Test
	void readsCloudEventsSequenceThatIsAJsonInteger() {
		// The cloudevents SDK serialises a numeric extension value as a JSON number.
		assertThat(sequence("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/shop\",\"id\":\"e-1\","
				+ "\"sequence\":5,\"data\":{\"id\":\"A-1\"}}"))
			.isEqualTo(new Envelope.Sequence("/shop", 5));
		assertThat(sequence("{\"sequence\":9223372036854775807,\"specversion\":\"1.0\",\"type\":\"order\","
				+ "\"source\":\"/shop\",\"id\":7,\"data\":{\"id\":\"A-1\"}}"))
			.isEqualTo(new Envelope.Sequence("/shop", Long.MAX_VALUE));
	}

	@Test
	void readsCloudEventsSequenceOfDigitsUpToTheLargestLong() {
		assertThat(sequence("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"e-1\","
				+ "\"sequence\":\"9223372036854775807\",\"data\":{}}"))
			.isEqualTo(new Envelope.Sequence(null, Long.MAX_VALUE));
	}

	@Test
	void ignoresCloudEventsSequenceThatIsNotANonNegativeIntegerFittingALong() {
		for (String value : new String[] { "\"-1\"", "\"1e3\"", "\"abc\"", "\"\"", "\"9223372036854775808\"",
				"\"00000000000000000001\"", "-1", "1.5", "5e0", "9223372036854775808", "true", "null", "[5]" }) {
			assertThat(sequence("{\"specversion\":\"1.0\",\"type\":\"order\",\"source\":\"/s\",\"id\":\"e-1\","
					+ "\"sequence\":" + value + ",\"data\":{\"id\":\"A-1\"}}"))
				.as(value)
				.isNull();
		}
	}

	@Test
	void readsPlainSeqAndSource() {
		assertThat(sequence("{\"type\":\"order\",\"id\":\"A-1\",\"seq\":5,\"source\":\"shop-1\"}"))
			.isEqualTo(new Envelope.Sequence("shop-1", 5));
		assertThat(sequence("{\"type\":\"order\",\"id\":\"A-1\",\"seq\":5}")).isEqualTo(new Envelope.Sequence(null, 5));
		assertThat(sequence("{\"type\":\"order\",\"id\":7,\"seq\":6,\"source\":\"shop-1\"}"))
			.isEqualTo(new Envelope.Sequence("shop-1", 6));
	}

	@Test
	void ignoresPlainSeqThatIsNotANonNegativeInteger() {
		for (String value : new String[] { "-1", "1.5", "\"5\"", "99999999999999999999", "null", "[1]" }) {
			assertThat(sequence("{\"type\":\"order\",\"id\":\"A-1\",\"seq\":" + value + "}")).as(value).isNull();
			assertThat(sequence("{\"type\":\"order\",\"id\":7,\"seq\":" + value + "}")).as(value).isNull();
		}
	}

	@Test
	void plainFormDoesNotReadCloudEventsSequence() {
		assertThat(sequence("{\"type\":\"order\",\"id\":\"A-1\",\"sequence\":\"5\"}")).isNull();
	}

	private Envelope.Sequence sequence(String json) {
		return this.decoder.decode(json.getBytes(StandardCharsets.UTF_8)).sequence();
	}

}
