package io.messageconsumer.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.info.BuildProperties;

/**
 * Registers {@code consumer.build.info{version,java.version}}, always 1: which version runs where,
 * for a dashboard or an alert to join on. The version is the build's ({@code META-INF/build-info.properties},
 * written by the {@code build-info} goal of the Spring Boot Maven plugin), {@code unknown} when the
 * service runs without it (from an IDE that did not run the build).
 */
public class BuildInfoMeterBinder implements MeterBinder {

	/** The version tag when there is no build information. */
	static final String UNKNOWN = "unknown";

	private final String version;

	/**
	 * Create the binder.
	 * @param build the build information, or {@code null} when there is none
	 */
	public BuildInfoMeterBinder(@Nullable BuildProperties build) {
		this.version = (build != null && build.getVersion() != null) ? build.getVersion() : UNKNOWN;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("consumer.build.info", () -> 1)
			.description("Always 1; the tags tell the version of the service and of Java")
			.tag("version", this.version)
			.tag("java.version", System.getProperty("java.version", UNKNOWN))
			.register(registry);
	}

}
