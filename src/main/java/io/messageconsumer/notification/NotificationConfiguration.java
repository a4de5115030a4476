package io.messageconsumer.notification;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the {@code notification} handler to the sink chosen by {@code consumer.notifications.sink}.
 */
@Configuration(proxyBeanMethods = false)
class NotificationConfiguration {

	@Bean
	NotificationHandler notificationHandler(NotificationProperties properties, JsonMapper json) {
		NotificationSink sink = switch (properties.sink()) {
			case LOG -> new LogNotificationSink();
			case WEBHOOK -> new WebhookNotificationSink(properties.webhookUrl(), properties.connectTimeout(),
					properties.readTimeout(), json);
		};
		return new NotificationHandler(sink);
	}

}
