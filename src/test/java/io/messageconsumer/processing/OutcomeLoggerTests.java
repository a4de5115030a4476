package io.messageconsumer.processing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import io.messageconsumer.message.DeadLetterReason;
import io.messageconsumer.message.InboundMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message carrying CR LF and a forged log line yields exactly one log record, on one line.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutcomeLoggerTests {

	static final String FORGED = "\r\n2026-11-25T19:00:00.000Z ERROR 1 --- [main] i.m.Security : FORGED admin logged in\r\n";

	private final Logger logger = (Logger) LoggerFactory.getLogger(OutcomeLogger.class);

	private final ListAppender<ILoggingEvent> records = new ListAppender<>();

	private final ProcessorFixture pipeline = ProcessorFixture.builder().listeners(new OutcomeLogger()).build();

	@BeforeEach
	void captureRecords() {
		this.records.start();
		this.logger.addAppender(this.records);
	}

	@AfterEach
	void stopCapturing() {
		this.logger.detachAppender(this.records);
		this.pipeline.close();
	}

	@Test
	void logsARejectedMessageWithAForgedLineInEveryFieldAsOneRecordOnOneLine(CapturedOutput output) {
		String json = "{\"type\":\"order" + escapeJson(FORGED) + "\",\"id\":\"i" + escapeJson(FORGED) + "\",\"x\":\""
				+ escapeJson(FORGED) + "\"}";
		InboundMessage message = new InboundMessage(json.getBytes(StandardCharsets.UTF_8), "pubsub",
				"tenant.a" + FORGED, "tenant.*", Instant.EPOCH);
		assertThat(this.pipeline.processHere(message).reason()).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
		assertThat(this.records.list).singleElement().satisfies((record) -> {
			assertThat(record.getFormattedMessage()).doesNotContain("\r", "\n").contains("\\r\\n2026-11-25T19:00:00.000Z");
			assertThat(record.getFormattedMessage().length()).isLessThan(1024);
		});
		assertThat(output.getOut().lines().filter((line) -> line.contains("FORGED"))).hasSize(1)
			.allSatisfy((line) -> assertThat(line).contains("Message rejected: reason=unknown_type"));
		assertThat(output.getOut().lines()).noneMatch((line) -> line.startsWith("2026-11-25T19:00:00.000Z ERROR 1"));
	}

	@Test
	void logsAnInvalidJsonMessageWithRawCrLfAsOneRecord(CapturedOutput output) {
		InboundMessage message = new InboundMessage(("{\"type\":" + FORGED + "}").getBytes(StandardCharsets.UTF_8),
				"pubsub", "orders", "orders", Instant.EPOCH);
		assertThat(this.pipeline.processHere(message).reason()).isEqualTo(DeadLetterReason.INVALID_JSON);
		assertThat(this.records.list).singleElement()
			.satisfies((record) -> assertThat(record.getFormattedMessage()).doesNotContain("\r", "\n"));
		assertThat(output.getOut().lines().filter((line) -> line.contains("FORGED"))).hasSizeLessThanOrEqualTo(1);
		assertThat(output.getOut().lines()).noneMatch((line) -> line.startsWith("2026-11-25T19:00:00.000Z ERROR 1"));
	}

	@Test
	void logsTheMessageAsKeyValuesAndTheCarriedTraceId(CapturedOutput output) {
		String json = "{\"type\":\"nope\",\"id\":\"n-1\",\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}";
		InboundMessage message = new InboundMessage(json.getBytes(StandardCharsets.UTF_8), "pubsub", "orders", "orders",
				Instant.EPOCH);
		assertThat(this.pipeline.processHere(message).reason()).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
		assertThat(this.records.list).singleElement().satisfies((record) -> {
			assertThat(record.getFormattedMessage()).startsWith("Message rejected: reason=unknown_type")
				.endsWith(" traceId=4bf92f3577b34da6a3ce929d0e0e4736");
			assertThat(record.getKeyValuePairs()).extracting((pair) -> pair.key + "=" + pair.value)
				.containsExactly("consumer.type=nope", "consumer.id=n-1", "consumer.outcome=rejected",
						"consumer.reason=unknown_type", "consumer.source=pubsub", "consumer.channel=orders",
						"consumer.attempts=0");
			assertThat(record.getMDCPropertyMap()).containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
		});
	}

	static String escapeJson(String text) {
		return text.replace("\r", "\\r").replace("\n", "\\n");
	}

}
