package io.messageconsumer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bare baseline, run as its own JVM: a minimal Lettuce subscriber that parses each message
 * with Jackson and switches on {@code type}, as a team would hand-write it. Answers
 * {@code stats} on standard input with one line of counters, {@code latency} with the latency
 * percentiles of the sample too, and then starts a new sample, and exits on {@code quit}.
 */
final class BaselineSubscriber extends RedisPubSubAdapter<String, String> {

	private final ObjectMapper mapper = JsonMapper.builder().build();

	private volatile long received;

	private volatile long processed;

	private volatile long rejected;

	/** The most latencies one sample keeps (32 MB): a steady run of (b) holds 300,000. */
	private static final int MAX_SAMPLE = 1 << 22;

	private long[] latencies = new long[1 << 16];

	private int latencyCount;

	static void main(String url, String channel) throws IOException {
		BaselineSubscriber subscriber = new BaselineSubscriber();
		RedisClient client = RedisClient.create(url);
		StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
		connection.addListener(subscriber);
		connection.sync().subscribe(channel);
		System.out.println("READY");
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
			if (line.equals("stats") || line.equals("latency")) {
				System.out.println(subscriber.stats(line.equals("latency")));
				System.out.flush();
			}
		}
		connection.close();
		client.shutdown();
	}

	@Override
	public void message(String channel, String message) {
		this.received++;
		try {
			JsonNode root = this.mapper.readTree(message);
			switch (root.path("type").asString("")) {
				case "bench", "order" -> {
					JsonNode time = root.get("time");
					if (time != null) {
						record(Instant.parse(time.asString()));
					}
					this.processed++;
				}
				default -> this.rejected++;
			}
		}
		catch (RuntimeException ex) {
			this.rejected++;
		}
	}

	private synchronized void record(Instant time) {
		Instant now = Instant.now();
		long micros = (now.getEpochSecond() - time.getEpochSecond()) * 1_000_000
				+ (now.getNano() - time.getNano()) / 1000;
		if (this.latencyCount == this.latencies.length) {
			if (this.latencies.length >= MAX_SAMPLE) {
				return; // a sample nobody asks for (the highest-rate runs): keep the heap for the messages
			}
			this.latencies = Arrays.copyOf(this.latencies, this.latencies.length * 2);
		}
		this.latencies[this.latencyCount++] = micros;
	}

	/**
	 * The counters; with {@code latency}, the percentiles of the sample too, and a new sample
	 * started. Counters alone copy and sort nothing: the benchmark asks for them every 50 ms.
	 */
	private synchronized String stats(boolean latency) {
		String counters = "STATS " + this.received + " " + this.processed + " " + this.rejected;
		if (!latency) {
			return counters;
		}
		long[] sample = Arrays.copyOf(this.latencies, this.latencyCount);
		this.latencyCount = 0;
		Arrays.sort(sample);
		return counters + " " + percentile(sample, 0.5) + " " + percentile(sample, 0.99) + " "
				+ percentile(sample, 0.999);
	}

	private static long percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return -1;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
	}

}
