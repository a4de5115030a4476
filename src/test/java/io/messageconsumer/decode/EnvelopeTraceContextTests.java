package io.messageconsumer.decode;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import io.messageconsumer.message.TraceContext;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTraceContextTests {

	private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private final EnvelopeDecoder decoder = new EnvelopeDecoder(MessageJson.create(4096), 4096);

	@Test
	void plainFormCarriesTopLevelTraceparentAndTracestate() {
		assertThat(trace("{\"type\":\"order\",\"id\":\"o-1\",\"traceparent\":\"" + PARENT + "\",\"tracestate\":\"vendor=x\"}"))
			.isEqualTo(new TraceContext(PARENT, "vendor=x"));
	}

	@Test
	void cloudEventCarriesTheDistributedTracingExtensionAttributes() {
		assertThat(trace("{\"specversion\":\"1.0\",\"type\":\"order\",\"id\":\"o-1\",\"source\":\"/shop\","
				+ "\"traceparent\":\"" + PARENT + "\",\"data\":{\"id\":\"o-1\"}}"))
			.isEqualTo(new TraceContext(PARENT, null));
	}

	@Test
	void treePathReadsTheSameContext() {
		// A numeric id sends the message down the tree path.
		assertThat(trace("{\"type\":\"order\",\"id\":7,\"traceparent\":\"" + PARENT + "\",\"tracestate\":\"a=b\"}"))
			.isEqualTo(new TraceContext(PARENT, "a=b"));
	}

	@Test
	void messageWithoutTraceparentHasNoContext() {
		assertThat(trace("{\"type\":\"order\",\"id\":\"o-1\",\"tracestate\":\"vendor=x\"}")).isNull();
	}

	@Test
	void traceparentThatIsNotAStringIsIgnored() {
		assertThat(trace("{\"type\":\"order\",\"id\":\"o-1\",\"traceparent\":{\"id\":1}}")).isNull();
	}

	private TraceContext trace(String json) {
		return this.decoder.decode(json.getBytes(StandardCharsets.UTF_8)).trace();
	}

}
