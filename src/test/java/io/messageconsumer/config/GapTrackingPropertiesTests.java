package io.messageconsumer.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class GapTrackingPropertiesTests {

	@Test
	void tracksAHundredSourcesByDefault() {
		assertThat(bind(Map.of()).maxSources()).isEqualTo(100);
	}

	@Test
	void bindsMaxSourcesFromItsProperty() {
		assertThat(bind(Map.of("consumer.pubsub.gap-tracking.max-sources", "5")).maxSources()).isEqualTo(5);
	}

	private static GapTrackingProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("consumer.pubsub.gap-tracking",
				GapTrackingProperties.class);
	}

}
