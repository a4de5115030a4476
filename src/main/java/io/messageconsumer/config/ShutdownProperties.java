package io.messageconsumer.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Graceful shutdown settings, bound from {@code consumer.shutdown.*}.
 *
 * @param drainTimeout how long buffered messages may take to finish after receiving stops
 */
public record ShutdownProperties(@DefaultValue("30s") @NotNull Duration drainTimeout) {

	public ShutdownProperties {
		if (drainTimeout != null && drainTimeout.isNegative()) {
			throw new IllegalArgumentException("consumer.shutdown.drain-timeout must not be negative");
		}
	}

}
