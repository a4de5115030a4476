package io.messageconsumer.monitoring;

import java.util.Properties;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.info.BuildProperties;

import static org.assertj.core.api.Assertions.assertThat;

class BuildInfoMeterBinderTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void tagsTheBuildVersion() {
		Properties build = new Properties();
		build.setProperty("version", "1.2.3");
		new BuildInfoMeterBinder(new BuildProperties(build)).bindTo(this.registry);
		Gauge info = this.registry.get("consumer.build.info").gauge();
		assertThat(info.value()).isEqualTo(1);
		assertThat(info.getId().getTag("version")).isEqualTo("1.2.3");
		assertThat(info.getId().getTag("java.version")).isEqualTo(System.getProperty("java.version"));
	}

	@Test
	void tagsAnUnknownVersionWithoutBuildInformation() {
		new BuildInfoMeterBinder(null).bindTo(this.registry);
		Gauge info = this.registry.get("consumer.build.info").gauge();
		assertThat(info.value()).isEqualTo(1);
		assertThat(info.getId().getTag("version")).isEqualTo("unknown");
	}

}
