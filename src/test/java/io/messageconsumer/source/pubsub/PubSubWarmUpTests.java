package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PubSubWarmUpTests {

	private final List<byte[]> bodies = bodies(2500);

	private final List<byte[]> warmed = new ArrayList<>();

	private final AtomicInteger withoutRedis = new AtomicInteger();

	private final List<Integer> batches = new ArrayList<>();

	private PubSubWarmUp loopBack;

	@Test
	void runsEveryMessageThatCameBackThroughThePipelineOnce() {
		PubSubWarmUp warmUp = warmUp((batch) -> {
			this.batches.add(batch.size());
			// Redis sends them back to the subscriber, whose listener hands them over.
			batch.forEach(this.loopBack::received);
		}, Duration.ofSeconds(5));
		this.loopBack = warmUp;
		assertThat(warmUp.isWarm()).isFalse();
		warmUp.run();
		assertThat(warmUp.isWarm()).isTrue();
		assertThat(this.warmed).containsExactlyElementsOf(this.bodies);
		assertThat(this.batches).containsExactly(1000, 1000, 500);
		assertThat(this.withoutRedis).hasValue(0);
		warmUp.run();
		assertThat(this.batches).as("once").hasSize(3);
	}

	@Test
	void warmsUpWithoutRedisWhenTheMessagesDoNotComeBack() {
		PubSubWarmUp warmUp = warmUp((batch) -> this.batches.add(batch.size()), Duration.ofMillis(100));
		warmUp.run();
		assertThat(warmUp.isWarm()).isTrue();
		assertThat(this.warmed).isEmpty();
		assertThat(this.withoutRedis).hasValue(1);
	}

	@Test
	void warmsUpWithoutRedisWhenAPublishFails() {
		PubSubWarmUp warmUp = warmUp((batch) -> {
			throw new IllegalStateException("NOPERM");
		}, Duration.ofSeconds(5));
		warmUp.run();
		assertThat(warmUp.isWarm()).isTrue();
		assertThat(this.withoutRedis).hasValue(1);
	}

	@Test
	void stopsUnwarmedWhenInterrupted() {
		PubSubWarmUp warmUp = warmUp((batch) -> Thread.currentThread().interrupt(), Duration.ofSeconds(5));
		try {
			warmUp.run();
			assertThat(warmUp.isWarm()).isFalse();
			assertThat(this.batches).isEmpty();
			assertThat(this.withoutRedis).hasValue(0);
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void tellsWarmUpMessagesFromCanaryProbes() {
		assertThat(PubSubWarmUp.isWarmUp("{\"type\":\"order\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
		assertThat(PubSubWarmUp.isWarmUp("42".getBytes(StandardCharsets.US_ASCII))).isFalse();
		assertThat(PubSubWarmUp.isWarmUp(new byte[0])).isFalse();
	}

	private PubSubWarmUp warmUp(Consumer<List<byte[]>> publisher, Duration timeout) {
		return new PubSubWarmUp(() -> this.bodies, this.warmed::add, this.withoutRedis::incrementAndGet, publisher,
				timeout);
	}

	private static List<byte[]> bodies(int count) {
		List<byte[]> bodies = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			bodies.add(("{\"type\":\"order\",\"id\":\"" + i + "\"}").getBytes(StandardCharsets.UTF_8));
		}
		return bodies;
	}

}
