package io.messageconsumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import io.messageconsumer.config.ConfigurationFailureAnalyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Invalid configuration fails start-up with one line naming the property.
 */
class ConfigurationFailureTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			consumer.concurrency=0                 | consumer.concurrency
			consumer.queue-capacity=-1             | consumer.queue-capacity
			consumer.retry.max-attempts=0          | consumer.retry.max-attempts
			consumer.retry.max-attempts=three      | consumer.retry.max-attempts
			consumer.mode=sideways                 | consumer.mode
			consumer.max-message-bytes=0           | consumer.max-message-bytes
			consumer.notifications.sink=webhook    | consumer.notifications.webhook-url
			consumer.notifications.sink=carrier-pigeon | consumer.notifications.sink
			consumer.shutdown.drain-timeout=-5s    | consumer.shutdown.drain-timeout
			consumer.streams.claim-min-idle=0s     | consumer.streams.claim-min-idle
			consumer.streams.batch-size=0          | consumer.streams.batch-size
			consumer.streams.batch-wait=1s         | consumer.streams.batch-wait
			consumer.json.max-nesting-depth=0      | consumer.json.max-nesting-depth
			consumer.json.max-nesting-depth=100000 | consumer.json.max-nesting-depth
			consumer.json.max-number-length=5000   | consumer.json.max-number-length
			consumer.json.max-name-length=0        | consumer.json.max-name-length
			consumer.json.max-string-length=2MB    | consumer.json.max-string-length
			consumer.json.max-document-length=0B   | consumer.json.max-document-length
			consumer.json.max-token-count=0        | consumer.json.max-token-count
			consumer.dead-letter.buffer-size=1MB   | consumer.dead-letter.buffer-size
			consumer.shard-channels[0]=            | consumer.shard-channels[0]
			consumer.shard-channels=s-1,s-1        | consumer.shard-channels
			""")
	void failsStartupWithOneLineNamingTheProperty(String property, String named) {
		Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(ConsumerApplication.class)
			.web(WebApplicationType.NONE)
			.properties(property, "spring.main.banner-mode=off", "logging.level.root=off")
			.run()
			.close());
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith("Invalid configuration: ")
			.contains(named)
			.doesNotContain("\n");
	}

	/** The failed starts turned the root logger off for this JVM: later tests read log output. */
	@AfterAll
	static void restoreLogging() {
		LoggingSystem.get(ConfigurationFailureTests.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void validConfigurationIsNotReported() {
		assertThat(new ConfigurationFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
	}

}
