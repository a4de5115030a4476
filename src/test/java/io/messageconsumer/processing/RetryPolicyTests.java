package io.messageconsumer.processing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryPolicy}.
 */
class RetryPolicyTests {

	private static long millis(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

	@Test
	void backoffStartsAtInitialAndGrowsByMultiplierUpToMax() {
		RetryPolicy policy = new RetryPolicy(7, Duration.ofMillis(100), 2.0, Duration.ofMillis(500));
		assertThat(policy.backoffNanos(1)).isEqualTo(millis(100));
		assertThat(policy.backoffNanos(2)).isEqualTo(millis(200));
		assertThat(policy.backoffNanos(3)).isEqualTo(millis(400));
		assertThat(policy.backoffNanos(4)).isEqualTo(millis(500));
		assertThat(policy.backoffNanos(5)).isEqualTo(millis(500));
		assertThat(policy.backoffNanos(6)).isEqualTo(millis(500));
	}

	@Test
	void fractionalMultiplierGrowsTheBackoff() {
		RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), 1.5, Duration.ofSeconds(10));
		assertThat(policy.backoffNanos(1)).isEqualTo(millis(100));
		assertThat(policy.backoffNanos(2)).isEqualTo(millis(150));
		assertThat(policy.backoffNanos(3)).isEqualTo(millis(225));
	}

	@Test
	void multiplierOfOneKeepsTheBackoffConstant() {
		RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(250), 1.0, Duration.ofSeconds(5));
		assertThat(policy.backoffNanos(1)).isEqualTo(millis(250));
		assertThat(policy.backoffNanos(2)).isEqualTo(millis(250));
		assertThat(policy.backoffNanos(3)).isEqualTo(millis(250));
	}

	@Test
	void maxBackoffCapsEvenTheInitialBackoff() {
		RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1));
		assertThat(policy.backoffNanos(1)).isEqualTo(millis(1000));
	}

	@Test
	void hugeGrowthIsCappedWithoutOverflow() {
		RetryPolicy policy = new RetryPolicy(1000, Duration.ofSeconds(1), 10.0, Duration.ofSeconds(5));
		// 10^98 s and 10^998 s (infinite as a double) both end at the cap, never negative.
		assertThat(policy.backoffNanos(99)).isEqualTo(millis(5000));
		assertThat(policy.backoffNanos(999)).isEqualTo(millis(5000));
	}

	@Test
	void zeroBackoffMeansRetryAtOnceNotGiveUp() {
		RetryPolicy policy = new RetryPolicy(3, Duration.ZERO, 2.0, Duration.ofSeconds(1));
		assertThat(policy.backoffNanos(1)).isZero();
		assertThat(policy.backoffNanos(2)).isZero();
		assertThat(policy.backoffNanos(3)).isEqualTo(-1);
	}

	@Test
	void noAttemptIsLeftOnceMaxAttemptsHaveFailed() {
		RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1));
		assertThat(policy.backoffNanos(2)).isEqualTo(millis(20));
		assertThat(policy.backoffNanos(3)).isEqualTo(-1);
		assertThat(policy.backoffNanos(4)).isEqualTo(-1);
	}

	@Test
	void noneAllowsASingleAttempt() {
		assertThat(RetryPolicy.NONE.maxAttempts()).isEqualTo(1);
		assertThat(RetryPolicy.NONE.backoffNanos(1)).isEqualTo(-1);
	}

	@Test
	void maxAttemptsBelowOneBehavesAsASingleAttempt() {
		// RetryPolicy itself does not validate (ConsumerProperties.Retry does); it must still never retry.
		assertThat(new RetryPolicy(0, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1)).backoffNanos(1))
			.isEqualTo(-1);
		assertThat(new RetryPolicy(-5, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1)).backoffNanos(1))
			.isEqualTo(-1);
	}

}
