package io.messageconsumer.processing.failure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryBackOff}: the waits one failed message goes through, in milliseconds,
 * {@link BackOffExecution#STOP} once no attempt is left.
 */
class RetryBackOffTests {

	private static final long STOP = BackOffExecution.STOP;

	/** The waits after the first {@code failedAttempts} failed attempts of one message. */
	private static List<Long> waits(RetryBackOff backOff, int failedAttempts) {
		BackOffExecution execution = backOff.start();
		List<Long> waits = new ArrayList<>(failedAttempts);
		for (int i = 0; i < failedAttempts; i++) {
			waits.add(execution.nextBackOff());
		}
		return waits;
	}

	@Test
	void backoffStartsAtInitialAndGrowsByMultiplierUpToMax() {
		RetryBackOff backOff = new RetryBackOff(7, Duration.ofMillis(100), 2.0, Duration.ofMillis(500));
		assertThat(waits(backOff, 6)).containsExactly(100L, 200L, 400L, 500L, 500L, 500L);
	}

	@Test
	void fractionalMultiplierGrowsTheBackoff() {
		RetryBackOff backOff = new RetryBackOff(4, Duration.ofMillis(100), 1.5, Duration.ofSeconds(10));
		assertThat(waits(backOff, 3)).containsExactly(100L, 150L, 225L);
	}

	@Test
	void multiplierOfOneKeepsTheBackoffConstant() {
		RetryBackOff backOff = new RetryBackOff(4, Duration.ofMillis(250), 1.0, Duration.ofSeconds(5));
		assertThat(waits(backOff, 3)).containsExactly(250L, 250L, 250L);
	}

	@Test
	void maxBackoffCapsEvenTheInitialBackoff() {
		RetryBackOff backOff = new RetryBackOff(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1));
		assertThat(waits(backOff, 1)).containsExactly(1000L);
	}

	@Test
	void hugeGrowthIsCappedWithoutOverflow() {
		RetryBackOff backOff = new RetryBackOff(1000, Duration.ofSeconds(1), 10.0, Duration.ofSeconds(5));
		// 10^98 s and 10^998 s (infinite as a double) both end at the cap, never negative.
		List<Long> waits = waits(backOff, 999);
		assertThat(waits.get(98)).isEqualTo(5000L);
		assertThat(waits.get(998)).isEqualTo(5000L);
		assertThat(waits).allMatch((wait) -> wait >= 0);
	}

	@Test
	void zeroBackoffMeansRetryAtOnceNotGiveUp() {
		RetryBackOff backOff = new RetryBackOff(3, Duration.ZERO, 2.0, Duration.ofSeconds(1));
		assertThat(waits(backOff, 3)).containsExactly(0L, 0L, STOP);
	}

	@Test
	void noAttemptIsLeftOnceMaxAttemptsHaveFailed() {
		RetryBackOff backOff = new RetryBackOff(3, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1));
		assertThat(waits(backOff, 4)).containsExactly(10L, 20L, STOP, STOP);
	}

	@Test
	void noneAllowsASingleAttempt() {
		assertThat(RetryBackOff.NONE.maxAttempts()).isEqualTo(1);
		assertThat(waits(RetryBackOff.NONE, 1)).containsExactly(STOP);
	}

	@Test
	void maxAttemptsBelowOneBehavesAsASingleAttempt() {
		// RetryBackOff itself does not validate (ConsumerProperties.Retry does); it must still never retry.
		assertThat(waits(new RetryBackOff(0, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1)), 1))
			.containsExactly(STOP);
		assertThat(waits(new RetryBackOff(-5, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1)), 1))
			.containsExactly(STOP);
	}

	@Test
	void eachFailedMessageHasItsOwnWaits() {
		RetryBackOff backOff = new RetryBackOff(3, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1));
		BackOffExecution first = backOff.start();
		assertThat(first.nextBackOff()).isEqualTo(10L);
		assertThat(waits(backOff, 1)).containsExactly(10L);
		assertThat(first.nextBackOff()).isEqualTo(20L);
	}

}
