package io.messageconsumer.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import tools.jackson.databind.JsonNode;

import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.ConsumerInstance;

import static org.awaitility.Awaitility.await;

/**
 * The service a Spring integration test runs, as one bean the test injects: its HTTP port, its
 * Redis access, its meters and what tests ask of them (a health status, a counter, an order's
 * hash, the dead letters). Comes with {@link RedisIntegrationTest}; other Spring tests
 * {@code @Import} it.
 */
public final class ServiceUnderTest {

	/** The dead-letter stream when {@code consumer.dead-letter.stream} is not set. */
	public static final String DEAD_LETTERS = "consumer:dead-letter";

	private final StringRedisTemplate redis;

	private final MeterRegistry meters;

	private final Environment environment;

	private final ConsumerInstance instance;

	private final RedisProbe probe;

	ServiceUnderTest(StringRedisTemplate redis, MeterRegistry meters, Environment environment,
			ConsumerInstance instance) {
		this.redis = redis;
		this.meters = meters;
		this.environment = environment;
		this.instance = instance;
		this.probe = new RedisProbe(redis);
	}

	/**
	 * The HTTP port the service listens on.
	 * @return the port
	 */
	public int port() {
		return this.environment.getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * The client name the service's connections give Redis, as {@code CLIENT LIST} shows it.
	 * @return the name
	 */
	public String clientName() {
		return this.instance.clientName();
	}

	/**
	 * The service's Redis access.
	 * @return the template
	 */
	public StringRedisTemplate redis() {
		return this.redis;
	}

	/**
	 * The service's meters.
	 * @return the registry
	 */
	public MeterRegistry meters() {
		return this.meters;
	}

	/**
	 * Raw publishing and dead-letter reading.
	 * @return the probe
	 */
	public RedisProbe probe() {
		return this.probe;
	}

	/**
	 * PUBLISH a message.
	 * @param channel the channel
	 * @param message the message
	 */
	public void publish(String channel, String message) {
		this.probe.publish(channel, message);
	}

	/**
	 * Publish an order on the channel {@code orders} and wait (10 s at most) until it is stored:
	 * the service consumes.
	 * @param prefix what the order's id starts with
	 * @return the order's id
	 */
	public String awaitConsumesAnOrder(String prefix) {
		String id = Orders.uniqueId(prefix);
		publish("orders", "{\"type\":\"order\",\"id\":\"" + id + "\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> hasOrder(id));
		return id;
	}

	/**
	 * GET a path of the service.
	 * @param path e.g. {@code /actuator/consumer}
	 * @return the response
	 */
	public Http.Response get(String path) {
		return Http.get(port(), path);
	}

	/**
	 * GET a path of the service and read the body as JSON.
	 * @param path e.g. {@code /actuator/consumer}
	 * @return the body
	 */
	public JsonNode json(String path) {
		return get(path).json();
	}

	/**
	 * POST a JSON body to a path of the service.
	 * @param path e.g. {@code /actuator/deadletters/replay}
	 * @param body the body
	 * @return the response
	 */
	public Http.Response post(String path, String body) {
		return Http.post(port(), path, body);
	}

	/**
	 * A health component's status.
	 * @param component e.g. {@code consumer} or {@code readiness}
	 * @return e.g. {@code UP}, or {@code UNREACHABLE}
	 */
	public String health(String component) {
		return Http.health(port(), component);
	}

	/**
	 * Wait until a health component has a status.
	 * @param component e.g. {@code consumer}
	 * @param status e.g. {@code UP}
	 * @param atMost how long to wait
	 */
	public void awaitHealth(String component, String status, Duration atMost) {
		await().atMost(atMost).until(() -> status.equals(health(component)));
	}

	/**
	 * Wait until the service is ready.
	 * @param atMost how long to wait
	 */
	public void awaitReady(Duration atMost) {
		awaitHealth("readiness", "UP", atMost);
	}

	/**
	 * The sum of the counters of a name with these tags, 0 when there is none.
	 * @param name the meter name
	 * @param tags tag names and values in turn
	 * @return the count
	 */
	public double counter(String name, String... tags) {
		Search search = this.meters.find(name).tags(tags);
		return search.counters().stream().mapToDouble(Counter::count).sum();
	}

	/**
	 * The {@code consumer.messages} count of a type and outcome.
	 * @param type e.g. {@code order}
	 * @param outcome e.g. {@code processed}
	 * @return the count
	 */
	public double messages(String type, String outcome) {
		return counter("consumer.messages", "type", type, "outcome", outcome);
	}

	/**
	 * The {@code consumer.redis.reconnects} count of a source.
	 * @param source {@code pubsub} or {@code stream}
	 * @return the count
	 */
	public double reconnects(String source) {
		return counter("consumer.redis.reconnects", "source", source);
	}

	/**
	 * Whether the order handler stored an order.
	 * @param id the order id
	 * @return {@code true} when {@code orders:<id>} exists
	 */
	public boolean hasOrder(String id) {
		return Boolean.TRUE.equals(this.redis.hasKey("orders:" + id));
	}

	/**
	 * A field of a stored order.
	 * @param id the order id
	 * @param field e.g. {@code status}
	 * @return the value, or {@code null}
	 */
	public Object orderField(String id, String field) {
		return this.redis.opsForHash().get("orders:" + id, field);
	}

	/**
	 * A stored order's hash.
	 * @param id the order id
	 * @return its fields
	 */
	public Map<Object, Object> order(String id) {
		return this.redis.opsForHash().entries("orders:" + id);
	}

	/**
	 * The entries of the default dead-letter stream.
	 * @return the entries, oldest first
	 */
	public List<Map<String, String>> deadLetters() {
		return this.probe.entries(DEAD_LETTERS);
	}

	/**
	 * The first entry of the default dead-letter stream with a field of that value.
	 * @param field e.g. {@code id}
	 * @param value its value
	 * @return the entry, or {@code null}
	 */
	public Map<String, String> deadLetterWith(String field, String value) {
		return deadLetters().stream().filter((letter) -> value.equals(letter.get(field))).findFirst().orElse(null);
	}

}
