package io.messageconsumer.config;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Handler retry policy, bound from {@code consumer.retry.*}: exponential backoff between attempts.
 *
 * @param maxAttempts handler attempts before the message is {@code failed}
 * @param initialBackoff wait before the second attempt
 * @param multiplier factor applied to the wait after each attempt
 * @param maxBackoff upper bound of the wait
 */
public record RetryProperties(@DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
		@DefaultValue("100ms") @NotNull Duration initialBackoff,
		@DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
		@DefaultValue("5s") @NotNull Duration maxBackoff) {

	public RetryProperties {
		if (initialBackoff != null && initialBackoff.isNegative()) {
			throw new IllegalArgumentException("consumer.retry.initial-backoff must not be negative");
		}
		if (maxBackoff != null && maxBackoff.isNegative()) {
			throw new IllegalArgumentException("consumer.retry.max-backoff must not be negative");
		}
	}

}
