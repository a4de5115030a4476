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
 * {@code stats} on standard input with one line of counters and latency percentiles,
 * {@code latency} the same and then starts a new latency sample, and exits on {@code quit}.
 */
final class BaselineSubscriber extends RedisPubSubAdapter<String, String> {

	private final ObjectMapper mapper = JsonMapper.builder().build();

	private volatile long received;

	private volatile long processed;

	private volatile long rejected;

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
			this.latencies = Arrays.copyOf(this.latencies, this.latencies.length * 2);
		}
		this.latencies[this.latencyCount++] = micros;
	}

	private synchronized String stats(boolean newSample) {
		long[] sample = Arrays.copyOf(this.latencies, this.latencyCount);
		if (newSample) {
			this.latencyCount = 0;
		}
		Arrays.sort(sample);
		return "STATS " + this.received + " " + this.processed + " " + this.rejected + " " + percentile(sample, 0.5) + " "
				+ percentile(sample, 0.99) + " " + percentile(sample, 0.999);
	}

	private static long percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return -1;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
	}

}
