package io.messageconsumer.notification;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A notification whose every field carries CR LF and a forged log line is delivered as one log
 * record on one line, its text truncated.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogNotificationSinkTests {

	private static final String FORGED = "\r\n2026-11-25T19:00:00.000Z ERROR 1 --- [main] i.m.Security : FORGED\r\n";

	@Test
	void deliversANotificationWithForgedLinesAsOneRecordOnOneLine(CapturedOutput output) {
		Logger logger = (Logger) LoggerFactory.getLogger("io.messageconsumer.notification.delivered");
		ListAppender<ILoggingEvent> records = new ListAppender<>();
		records.start();
		logger.addAppender(records);
		try {
			new LogNotificationSink().deliver(new NotificationMessage("m" + FORGED + "x".repeat(5_000), "n" + FORGED,
					"r" + FORGED, "c" + FORGED));
		}
		finally {
			logger.detachAppender(records);
		}
		assertThat(records.list).singleElement().satisfies((record) -> {
			assertThat(record.getFormattedMessage()).doesNotContain("\r", "\n").doesNotContain("x".repeat(300));
			assertThat(record.getFormattedMessage().length()).isLessThan(1024);
		});
		assertThat(output.getOut().lines().filter((line) -> line.contains("FORGED"))).hasSize(1);
		assertThat(output.getOut().lines()).noneMatch((line) -> line.startsWith("2026-11-25T19:00:00.000Z"));
	}

}
