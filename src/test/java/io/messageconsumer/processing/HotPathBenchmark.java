package io.messageconsumer.processing;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;
import io.messageconsumer.monitoring.ConsumerMetrics;
import io.messageconsumer.order.OrderMessage;
import io.messageconsumer.message.InboundMessage;
import io.messageconsumer.message.Outcome;
import io.messageconsumer.processing.lanes.Delivery;
import io.messageconsumer.processing.lanes.Stages;

/**
 * A focused, JMH-free microbenchmark of the per-message hot path (decode, route, ordering key,
 * bind, validate, invoke a no-op handler, metrics), on one thread: CPU time and allocation per
 * message. Not a test (surefire does not pick it up); run it by hand to compare two builds
 * side by side, A/B interleaved, e.g.
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.messageconsumer.routing.HotPathBenchmark bench 5}
 * (arguments: {@code bench} or {@code order}, then the number of rounds of 1M messages; with
 * {@code -DprepareOnly=true} only what runs on a connection's thread). {@code target/cp.txt}
 * comes from {@code ./mvnw dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}.
 */
public final class HotPathBenchmark {

	/** Only the admission (observe, decode, route): the part that runs on a connection's thread. */
	private static final boolean PREPARE_ONLY = Boolean.getBoolean("prepareOnly");

	private HotPathBenchmark() {
	}

	public static void main(String[] args) {
		String kind = (args.length > 0) ? args[0] : "bench";
		kind += PREPARE_ONLY ? " prepare-only" : "";
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		int perRound = 1_000_000;
		ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(), Set.of("bench", "order"), "dead_letter");
		ProcessorFixture pipeline = ProcessorFixture.builder()
			.handlers(new NoOp<>("bench", Bench.class), new NoOp<>("order", OrderMessage.class))
			.listeners(metrics)
			.build();
		byte[][] bodies = new byte[4096][];
		for (int i = 0; i < bodies.length; i++) {
			String id = "run-" + i;
			String time = "2026-11-25T10:00:00." + (100000 + i) + "Z";
			String body = kind.startsWith("order") ? "{\"type\":\"order\",\"id\":\"" + id
					+ "\",\"total\":19.5,\"currency\":\"EUR\",\"time\":\"" + time + "\"}"
					: "{\"type\":\"bench\",\"id\":\"" + id + "\",\"time\":\"" + time + "\"}";
			bodies[i] = body.getBytes(StandardCharsets.UTF_8);
		}
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long tid = Thread.currentThread().getId();
		run(pipeline, bodies, 2 * perRound); // warm-up
		for (int r = 0; r < rounds; r++) {
			long cpu = threads.getCurrentThreadCpuTime();
			long bytes = threads.getThreadAllocatedBytes(tid);
			long sink = run(pipeline, bodies, perRound);
			cpu = threads.getCurrentThreadCpuTime() - cpu;
			bytes = threads.getThreadAllocatedBytes(tid) - bytes;
			System.out.printf("%s round %d: %.0f ns/msg cpu, %.0f bytes/msg (%d)%n", kind, r,
					(double) cpu / perRound, (double) bytes / perRound, sink);
		}
	}

	private static long run(ProcessorFixture pipeline, byte[][] bodies, int count) {
		Stages stages = pipeline.stages();
		long processed = 0;
		for (int i = 0; i < count; i++) {
			InboundMessage message = new InboundMessage(bodies[i & (bodies.length - 1)], "pubsub", "ch", "ch",
					Instant.now());
			Delivery delivery = stages.admit(message, null);
			if (delivery != null && PREPARE_ONLY) {
				processed += delivery.attempt();
			}
			else if (delivery != null) {
				AttemptResult result = stages.attempt(delivery);
				stages.settlement().settle(delivery.message(), result.disposition());
				if (result.disposition().outcome() == Outcome.PROCESSED) {
					processed++;
				}
			}
		}
		return processed;
	}

	/** The bench payload. */
	public record Bench(String id) {
	}

	private record NoOp<T>(String type, Class<T> payloadType) implements MessageHandler<T> {

		@Override
		public HandlerResult handle(T message, MessageContext context) {
			return HandlerResult.PROCESSED;
		}

	}

}
