package io.messageconsumer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.messageconsumer.support.Orders;
import io.messageconsumer.support.OwnRedisServer;
import io.messageconsumer.support.RedisServerProcess;
import io.messageconsumer.support.ServiceProcess;
import io.messageconsumer.support.ServiceProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service with Boot's structured console logging: the dead-letter line of a message
 * is one JSON object with the message's type, id, outcome, reason, source, channel and attempts as
 * fields, and the trace id it carried ({@code logging.structured.format.console=ecs} nests the
 * {@code consumer.*} fields, {@code logstash} keeps them flat).
 */
@OwnRedisServer
class StructuredLogsIntegrationTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static RedisServerProcess redisServer;

	@RegisterExtension
	final ServiceProcesses services = new ServiceProcesses();

	@Test
	void ecsLineCarriesTheMessageFieldsAndTheTraceId() throws IOException {
		JsonNode line = deadLetterLine("ecs", "ecs");
		assertThat(line.path("log").path("level").asString()).isEqualTo("WARN");
		assertThat(line.path("message").asString()).startsWith("Message rejected: reason=invalid_payload");
		assertThat(line.path("traceId").asString()).isEqualTo(TRACE_ID);
		assertMessageFields(line.path("consumer"));
	}

	@Test
	void logstashLineCarriesTheMessageFieldsAndTheTraceId() throws IOException {
		JsonNode line = deadLetterLine("logstash", "logstash");
		assertThat(line.path("level").asString()).isEqualTo("WARN");
		assertThat(line.path("message").asString()).startsWith("Message rejected: reason=invalid_payload");
		assertThat(line.path("traceId").asString()).isEqualTo(TRACE_ID);
		assertThat(line.path("consumer.type").asString()).isEqualTo("order");
		assertThat(line.path("consumer.outcome").asString()).isEqualTo("rejected");
		assertThat(line.path("consumer.reason").asString()).isEqualTo("invalid_payload");
		assertThat(line.path("consumer.source").asString()).isEqualTo("pubsub");
		assertThat(line.path("consumer.channel").asString()).isEqualTo("orders");
		assertThat(line.path("consumer.id").asString()).startsWith("logstash-");
	}

	private static void assertMessageFields(JsonNode fields) {
		assertThat(fields.path("type").asString()).as(fields.toString()).isEqualTo("order");
		assertThat(fields.path("outcome").asString()).isEqualTo("rejected");
		assertThat(fields.path("reason").asString()).isEqualTo("invalid_payload");
		assertThat(fields.path("source").asString()).isEqualTo("pubsub");
		assertThat(fields.path("channel").asString()).isEqualTo("orders");
		assertThat(fields.path("attempts").asInt()).isZero();
		assertThat(fields.path("id").asString()).startsWith("ecs-");
	}

	/** Start the service with a structured format, dead-letter a traced order, and return its line. */
	private JsonNode deadLetterLine(String format, String idPrefix) throws IOException {
		ServiceProcess service = this.services.start("--spring.data.redis.url=" + redisServer.url(),
				"--logging.structured.format.console=" + format);
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
			.until(() -> "UP".equals(service.health("readiness")));
		String id = Orders.uniqueId(idPrefix);
		redisServer.cli("PUBLISH", "orders", "{\"type\":\"order\",\"id\":\"" + id
				+ "\",\"currency\":\"euros\",\"traceparent\":\"00-" + TRACE_ID + "-00f067aa0ba902b7-01\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> service.log().contains(id));
		List<JsonNode> lines = service.log().lines().filter((line) -> line.contains(id)).map(json::readTree).toList();
		assertThat(lines).as(service.log()).hasSize(1);
		assertThat(service.log().lines().filter((line) -> line.startsWith("{"))).as("the console is JSON lines")
			.hasSizeGreaterThan(5);
		return lines.get(0);
	}

}
