package io.messageconsumer.notification;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Delivers each notification as an HTTP POST of its JSON to a webhook. A non-2xx answer or a
 * timeout fails the delivery, so the message is retried and finally dead-lettered.
 */
class WebhookNotificationSink implements NotificationSink {

	private final RestClient client;

	private final URI url;

	private final JsonMapper json;

	WebhookNotificationSink(URI url, Duration connectTimeout, Duration readTimeout, JsonMapper json) {
		HttpClient httpClient = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(readTimeout);
		this.client = RestClient.builder().requestFactory(requestFactory).build();
		this.url = url;
		this.json = json;
	}

	@Override
	public void deliver(NotificationMessage notification) {
		this.client.post()
			.uri(this.url)
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.json.writeValueAsBytes(notification))
			.retrieve()
			.onStatus((status) -> !status.is2xxSuccessful(), (request, response) -> {
				throw new WebhookDeliveryException("webhook answered " + response.getStatusCode().value());
			})
			.toBodilessEntity();
	}

	/** A webhook answered with a status other than 2xx. */
	static class WebhookDeliveryException extends RuntimeException {

		WebhookDeliveryException(String message) {
			super(message);
		}

	}

}
