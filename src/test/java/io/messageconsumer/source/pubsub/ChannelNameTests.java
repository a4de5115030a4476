package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelNameTests {

	private final ChannelName channelName = new ChannelName();

	@Test
	void decodesUtf8() {
		assertThat(this.channelName.decode("orders".getBytes(StandardCharsets.UTF_8))).isEqualTo("orders");
		assertThat(this.channelName.decode("bestellungen-ü".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("bestellungen-ü");
		assertThat(this.channelName.decode(new byte[0])).isEmpty();
	}

	@Test
	void reusesTheStringForTheSameBytes() {
		String first = this.channelName.decode("orders".getBytes(StandardCharsets.UTF_8));
		assertThat(this.channelName.decode("orders".getBytes(StandardCharsets.UTF_8))).isSameAs(first);
	}

	@Test
	void decodesAgainWhenTheNameChanges() {
		assertThat(this.channelName.decode("orders".getBytes(StandardCharsets.UTF_8))).isEqualTo("orders");
		assertThat(this.channelName.decode("notifications".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("notifications");
		assertThat(this.channelName.decode("orders".getBytes(StandardCharsets.UTF_8))).isEqualTo("orders");
	}

	@Test
	void keepsACopyOfTheBytes() {
		byte[] bytes = "orders".getBytes(StandardCharsets.UTF_8);
		this.channelName.decode(bytes);
		bytes[0] = 'X';
		assertThat(this.channelName.decode(bytes)).isEqualTo("Xrders");
	}

}
