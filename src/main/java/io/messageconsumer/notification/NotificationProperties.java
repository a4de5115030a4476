package io.messageconsumer.notification;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of notification delivery, bound from {@code consumer.notifications.*}.
 *
 * @param sink where notifications go
 * @param webhookUrl the webhook's URL; required when the sink is {@code webhook}
 * @param connectTimeout webhook connect timeout
 * @param readTimeout webhook response timeout
 */
@Validated
@ConfigurationProperties("consumer.notifications")
public record NotificationProperties(@DefaultValue("log") @NotNull Sink sink, URI webhookUrl,
		@DefaultValue("2s") @NotNull Duration connectTimeout, @DefaultValue("5s") @NotNull Duration readTimeout) {

	public NotificationProperties {
		if (sink == Sink.WEBHOOK && webhookUrl == null) {
			throw new IllegalArgumentException(
					"consumer.notifications.webhook-url is required when consumer.notifications.sink=webhook");
		}
		if (webhookUrl != null && (!webhookUrl.isAbsolute()
				|| !("http".equals(webhookUrl.getScheme()) || "https".equals(webhookUrl.getScheme())))) {
			throw new IllegalArgumentException(
					"consumer.notifications.webhook-url must be an absolute http or https URL, was " + webhookUrl);
		}
		if (connectTimeout != null && (connectTimeout.isZero() || connectTimeout.isNegative())) {
			throw new IllegalArgumentException("consumer.notifications.connect-timeout must be positive");
		}
		if (readTimeout != null && (readTimeout.isZero() || readTimeout.isNegative())) {
			throw new IllegalArgumentException("consumer.notifications.read-timeout must be positive");
		}
	}

	/** Where notifications are delivered. */
	public enum Sink {

		/** One structured log line per notification. */
		LOG,

		/** An HTTP POST of the JSON to {@code consumer.notifications.webhook-url}. */
		WEBHOOK

	}

}
