package io.messageconsumer.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.messageconsumer.processing.lanes.MessageDispatcher;

/**
 * The {@code /actuator/consumer} endpoint: throughput at a glance.
 */
@Endpoint(id = "consumer")
public class ConsumerEndpoint {

	private final ConsumerMetrics metrics;

	private final MessageDispatcher dispatcher;

	private final LongSupplier deadLetters;

	/**
	 * Create the endpoint.
	 * @param metrics totals and rates
	 * @param dispatcher queue depth and in-flight count
	 * @param deadLetters entries written to the dead-letter stream since start-up
	 */
	public ConsumerEndpoint(ConsumerMetrics metrics, MessageDispatcher dispatcher, LongSupplier deadLetters) {
		this.metrics = metrics;
		this.dispatcher = dispatcher;
		this.deadLetters = deadLetters;
	}

	/**
	 * Report throughput.
	 * @return totals per outcome and per type, rates, queue depth, in-flight, dead letters, uptime
	 */
	@ReadOperation
	public Map<String, Object> throughput() {
		Map<String, Object> rates = new LinkedHashMap<>();
		rates.put("10s", round(this.metrics.ratePerSecond(10)));
		rates.put("1m", round(this.metrics.ratePerSecond(60)));
		rates.put("5m", round(this.metrics.ratePerSecond(300)));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("totals", this.metrics.totalsByOutcome());
		body.put("types", this.metrics.totalsByType());
		body.put("messagesPerSecond", rates);
		body.put("queueDepth", this.dispatcher.queueDepth());
		body.put("inFlight", this.dispatcher.inFlight());
		body.put("deadLetters", this.deadLetters.getAsLong());
		Duration uptime = Duration.between(this.metrics.startedAt(), Instant.now());
		body.put("uptime", uptime.withNanos(0).toString());
		body.put("uptimeSeconds", uptime.toSeconds());
		return body;
	}

	private static double round(double rate) {
		return Math.round(rate * 100) / 100.0;
	}

}
