package io.messageconsumer.notification;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.messageconsumer.notification.NotificationProperties.Sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NotificationPropertiesTests {

	private static final Duration CONNECT = Duration.ofSeconds(2);

	private static final Duration READ = Duration.ofSeconds(5);

	@Test
	void logSinkNeedsNoUrl() {
		NotificationProperties properties = new NotificationProperties(Sink.LOG, null, CONNECT, READ);
		assertThat(properties.sink()).isEqualTo(Sink.LOG);
		assertThat(properties.webhookUrl()).isNull();
	}

	@Test
	void webhookSinkAcceptsHttpAndHttpsUrls() {
		assertThat(new NotificationProperties(Sink.WEBHOOK, URI.create("http://hooks.example/n"), CONNECT, READ)
			.webhookUrl()).hasScheme("http");
		assertThat(new NotificationProperties(Sink.WEBHOOK, URI.create("https://hooks.example/n"), CONNECT, READ)
			.webhookUrl()).hasScheme("https");
	}

	@Test
	void webhookSinkWithoutUrlFailsNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new NotificationProperties(Sink.WEBHOOK, null, CONNECT, READ))
			.withMessageContaining("consumer.notifications.webhook-url");
	}

	@Test
	void rejectsFtpUrl() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new NotificationProperties(Sink.WEBHOOK, URI.create("ftp://hooks.example/n"), CONNECT,
					READ))
			.withMessageContaining("consumer.notifications.webhook-url");
	}

	@Test
	void rejectsRelativeUrl() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new NotificationProperties(Sink.WEBHOOK, URI.create("/hooks/n"), CONNECT, READ))
			.withMessageContaining("consumer.notifications.webhook-url");
	}

	@Test
	void rejectsNonPositiveTimeouts() {
		URI url = URI.create("http://hooks.example/n");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new NotificationProperties(Sink.WEBHOOK, url, Duration.ZERO, READ))
			.withMessageContaining("consumer.notifications.connect-timeout");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new NotificationProperties(Sink.WEBHOOK, url, CONNECT, Duration.ofSeconds(-1)))
			.withMessageContaining("consumer.notifications.read-timeout");
	}

}
