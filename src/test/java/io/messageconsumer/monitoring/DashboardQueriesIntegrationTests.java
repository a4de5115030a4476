package io.messageconsumer.monitoring;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Http;
import io.messageconsumer.support.RedisIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every {@code consumer_*} metric the Prometheus alert rules ({@code deploy/prometheus/alerts.yml})
 * and the Grafana dashboard ({@code deploy/grafana/message-consumer.json}) query is exposed on
 * {@code /actuator/prometheus}, under the name Prometheus scrapes ({@code _total},
 * {@code _bucket}, unit suffixes such as {@code _bytes}).
 * <p>
 * The service runs in {@code consumer.mode=both}, which registers the pub/sub meters (subscriber
 * output buffer, reconnects, sequence gaps) and the stream meters (lag, pending, acknowledged,
 * claimed) in one application, so each queried name is checked against what a real scrape
 * returns rather than against a list. Meters that appear with their first message are made to
 * appear: an order processed (with a publication {@code time} for the delivery latency and
 * sequence numbers for the gaps counter), a message that is not JSON dead-lettered, and a stream
 * entry. {@code @AutoConfigureMetrics}: tests export no metrics otherwise.
 */
@RedisIntegrationTest
@AutoConfigureMetrics
@TestPropertySource(properties = { "consumer.mode=both", "consumer.channels=dashboard-orders",
		"consumer.streams.keys=dashboard-orders-stream", "consumer.streams.block=200ms" })
class DashboardQueriesIntegrationTests {

	private static final Path ROOT = Path.of("").toAbsolutePath().normalize();

	private static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");

	private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/message-consumer.json");

	/** A metric name of this service in a PromQL expression (not inside another identifier). */
	private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:])consumer_[a-z_]+");

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Test
	void everyQueriedMetricIsExposed() throws IOException {
		Set<String> queried = new TreeSet<>(metricNames(alertExpressions()));
		queried.addAll(metricNames(dashboardExpressions()));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(Http.get(this.port, "/actuator/health/readiness").healthStatus()));

		String time = Instant.now().toString();
		this.redis.convertAndSend("dashboard-orders", "{\"type\":\"order\",\"id\":\"D-1\",\"customerId\":\"c-1\","
				+ "\"items\":[{\"sku\":\"S-1\",\"quantity\":1,\"unitPrice\":1.0}],\"total\":1.0,\"currency\":\"EUR\","
				+ "\"time\":\"" + time + "\",\"source\":\"dashboard-test\",\"seq\":1}");
		this.redis.convertAndSend("dashboard-orders",
				"{\"type\":\"order\",\"id\":\"D-2\",\"time\":\"" + time + "\",\"source\":\"dashboard-test\",\"seq\":3}");
		this.redis.convertAndSend("dashboard-orders", "not json");
		this.redis.opsForStream()
			.add(MapRecord.create("dashboard-orders-stream", Map.of("payload", "{\"type\":\"order\",\"id\":\"D-3\"}")));

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Set<String> exposed = exposedNames();
			assertThat(exposed).as("names on /actuator/prometheus").containsAll(queried);
		});
		// The check can fail: Micrometer's base unit is part of the exposed name.
		assertThat(exposedNames()).contains("consumer_redis_output_buffer_bytes")
			.doesNotContain("consumer_redis_output_buffer");
	}

	@Test
	void theAlertsAndTheDashboardQueryTheServicesMeters() throws IOException {
		List<String> alerts = alertExpressions();
		assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
		assertThat(metricNames(alerts)).contains("consumer_dead_letters_total", "consumer_dead_letters_dropped_total",
				"consumer_redis_output_buffer_bytes", "consumer_stream_lag", "consumer_stream_pending",
				"consumer_pubsub_gaps_total", "consumer_messages_total", "consumer_redis_reconnects_total",
				"consumer_source_consuming", "consumer_dead_letter_stream_length", "consumer_retries_total",
				"consumer_last_message_age_seconds");
		Set<String> dashboard = metricNames(dashboardExpressions());
		assertThat(dashboard).contains("consumer_handler_duration_seconds_bucket",
				"consumer_delivery_latency_seconds_bucket", "consumer_queue_depth", "consumer_in_flight",
				"consumer_source_consuming", "consumer_dead_letter_stream_length", "consumer_retries_total",
				"consumer_last_message_age_seconds", "consumer_build_info", "consumer_stream_acknowledged_total",
				"consumer_stream_claimed_total");
		// Every dashboard query goes to the data source the user picks.
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
		assertThat(json.path("templating").path("list").findValuesAsString("name")).contains("datasource");
		for (JsonNode panel : json.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("datasource").path("uid").asString()).as(panel.path("title").asString())
					.isEqualTo("${datasource}");
			}
		}
	}

	@Test
	void extractsMetricNamesFromExpressions() {
		assertThat(metricNames(List.of(
				"histogram_quantile(0.99, sum by (le) (rate(consumer_handler_duration_seconds_bucket{job=\"message-consumer\"}[5m])))",
				"up{job=\"message-consumer\"} == 0 or my_consumer_total > 0")))
			.containsExactly("consumer_handler_duration_seconds_bucket");
	}

	private Set<String> exposedNames() {
		Http.Response response = Http.get(this.port, "/actuator/prometheus");
		assertThat(response.status()).isEqualTo(200);
		Set<String> names = new TreeSet<>();
		for (String line : response.body().split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				int end = line.length();
				for (char delimiter : new char[] { '{', ' ' }) {
					int index = line.indexOf(delimiter);
					if (index >= 0) {
						end = Math.min(end, index);
					}
				}
				names.add(line.substring(0, end));
			}
		}
		return names;
	}

	private static Set<String> metricNames(List<String> expressions) {
		Set<String> names = new TreeSet<>();
		for (String expression : expressions) {
			Matcher matcher = METRIC.matcher(expression);
			while (matcher.find()) {
				names.add(matcher.group());
			}
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	private static List<String> alertExpressions() throws IOException {
		List<String> expressions = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(ALERTS, StandardCharsets.UTF_8)) {
			Map<String, Object> rules = new Yaml().load(reader);
			for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					expressions.add(String.valueOf(rule.get("expr")));
				}
			}
		}
		return expressions;
	}

	/** The panels' queries and the template variables' queries. */
	private static List<String> dashboardExpressions() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
		List<String> expressions = new ArrayList<>(dashboard.findValuesAsString("expr"));
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			JsonNode query = variable.path("query");
			expressions.add(query.isObject() ? query.path("query").asString("") : query.asString(""));
		}
		assertThat(expressions).isNotEmpty();
		return expressions;
	}

}
