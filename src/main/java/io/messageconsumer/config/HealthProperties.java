package io.messageconsumer.config;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Health checks that verify delivery rather than a PING, bound from {@code consumer.health.*}.
 *
 * @param canaryInterval how often a canary probe is published to this instance's own channel
 * @param canaryTimeout a probe not received back within this makes the consumer {@code DOWN}
 * @param canaryChannel the canary channel; {@code {instance}} is replaced by this instance's client name
 */
public record HealthProperties(@DefaultValue("10s") @NotNull Duration canaryInterval,
		@DefaultValue("5s") @NotNull Duration canaryTimeout,
		@DefaultValue("consumer:canary:{instance}") @NotBlank String canaryChannel) {

	public HealthProperties {
		if (canaryInterval != null && (canaryInterval.isZero() || canaryInterval.isNegative())) {
			throw new IllegalArgumentException("consumer.health.canary-interval must be positive");
		}
		if (canaryTimeout != null && (canaryTimeout.isZero() || canaryTimeout.isNegative())) {
			throw new IllegalArgumentException("consumer.health.canary-timeout must be positive");
		}
	}

}
