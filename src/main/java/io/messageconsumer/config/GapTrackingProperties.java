package io.messageconsumer.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of pub/sub loss accounting, bound from {@code consumer.pubsub.gap-tracking.*}.
 *
 * @param maxSources how many distinct sources are tracked, each a value of the {@code source} tag
 * of {@code consumer.pubsub.gaps}; sources seen after that are not tracked
 */
@Validated
@ConfigurationProperties("consumer.pubsub.gap-tracking")
public record GapTrackingProperties(@DefaultValue("100") @Min(0) @Max(10_000) int maxSources) {
}
