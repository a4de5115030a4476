package io.messageconsumer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import io.messageconsumer.bench.Bench.Variant;
import io.messageconsumer.bench.Results.Row;

/**
 * Issue 14's targets for scenarios (a) to (c), checked against the rows of one run: CPU per
 * message as ratios (the no-op pipeline to the baseline, the {@code order} handler to the no-op
 * pipeline), p99, orders per second with Redis's own CPU beside it, a cold burst against a warm
 * one, tracing's cost and memory.
 */
final class PubSubTargets {

	private final List<Row> rows;

	private final String spansExported;

	PubSubTargets(List<Row> rows, String spansExported) {
		this.rows = rows;
		this.spansExported = spansExported;
	}

	void write(StringBuilder md) {
		Row baseline = first("b steady", Variant.BASELINE);
		Row pipeline = first("b steady", Variant.PIPELINE);
		Row order = first("b steady", Variant.ORDER);
		Row traced = first("b steady", Variant.TRACED);
		if (baseline != null && pipeline != null) {
			double ratio = pipeline.cpuMicrosPerMessage() / baseline.cpuMicrosPerMessage();
			Results.target(md, "(b) no-op pipeline: CPU per message ≤ 1.0x the baseline's at 10k msg/s (stretch 0.5x)",
					String.format(Locale.ROOT, "%.2fx (%.2f µs vs %.2f µs)", ratio, pipeline.cpuMicrosPerMessage(),
							baseline.cpuMicrosPerMessage()), ratio <= 1.0);
		}
		cpuRatio(md, "(a) no-op pipeline: CPU per message ≤ 1.0x the baseline's, warm 1M burst", Variant.PIPELINE,
				Variant.BASELINE, 1.0);
		if (baseline != null && pipeline != null && baseline.latency().p99() > 0) {
			double p99 = (double) pipeline.latency().p99() / baseline.latency().p99();
			Results.target(md, "(b) no-op pipeline: p99 ≤ 1.2x the baseline's at 10k msg/s",
					String.format(Locale.ROOT, "%.2fx (%d µs vs %d µs)", p99, pipeline.latency().p99(),
							baseline.latency().p99()), p99 <= 1.2);
		}
		if (order != null && pipeline != null) {
			double ratio = order.cpuMicrosPerMessage() / pipeline.cpuMicrosPerMessage();
			Results.target(md, "(b) `order` handler: CPU per message ≤ 2x the no-op pipeline's at 10k msg/s",
					String.format(Locale.ROOT, "%.2fx (%.2f µs vs %.2f µs; Redis %.2f µs per order)", ratio,
							order.cpuMicrosPerMessage(), pipeline.cpuMicrosPerMessage(), order.redisCpuMicrosPerMessage()),
					ratio <= 2.0);
		}
		cpuRatio(md, "(a) `order` handler: CPU per message ≤ 2x the no-op pipeline's, warm 1M burst (overflowed ones included)",
				Variant.ORDER, Variant.PIPELINE, 2.0);
		Row orders = bestClean(Variant.ORDER);
		Results.target(md, "(c) `order` handler: ≥ 50,000 orders/s clean for the steady run, Redis's CPU per order beside it",
				(orders != null) ? String.format(Locale.ROOT, "%,.0f orders/s clean, %.2f µs service + %.2f µs Redis per order",
						orders.publishedPerSecond(), orders.cpuMicrosPerMessage(), orders.redisCpuMicrosPerMessage())
						: "no clean rate found",
				orders != null && orders.publishedPerSecond() >= 50_000);
		coldAgainstWarm(md);
		if (traced != null && pipeline != null) {
			md.append("| Tracing export on, sampling 0.1, at 10k msg/s: CPU per message (export off, the default, is every ")
				.append("other service row: no span, no observation) | ")
				.append(String.format(Locale.ROOT, "%.2f µs vs %.2f µs export off (+%.2f µs, %.2fx); spans received: %s",
						traced.cpuMicrosPerMessage(), pipeline.cpuMicrosPerMessage(),
						traced.cpuMicrosPerMessage() - pipeline.cpuMicrosPerMessage(),
						traced.cpuMicrosPerMessage() / pipeline.cpuMicrosPerMessage(), this.spansExported))
				.append(" | (figure) |\n");
		}
		long peak = this.rows.stream()
			.filter((row) -> row.variant() != Variant.BASELINE)
			.mapToLong(Row::peakRssMiB)
			.max()
			.orElse(-1);
		Results.target(md, "Memory: service RSS under 512 MiB with `-Xmx256m`, every run", peak + " MiB peak",
				peak > 0 && peak < 512);
		for (Variant variant : List.of(Variant.BASELINE, Variant.PIPELINE, Variant.ORDER)) {
			Row best = bestClean(variant);
			md.append("| (c) highest clean steady rate, ").append(variant.label()).append(" | ")
				.append((best != null) ? String.format(Locale.ROOT, "%,.0f msg/s at %.2f µs per message", best.publishedPerSecond(),
						best.cpuMicrosPerMessage()) : "none found")
				.append(" | (figure) |\n");
		}
	}

	/** The mean over the rounds of one variant's CPU per message to another's, warm bursts. */
	private void cpuRatio(StringBuilder md, String target, Variant variant, Variant reference, double limit) {
		List<Row> ours = select((row) -> row.variant() == variant && row.scenario().startsWith("a warm"));
		List<Row> theirs = select((row) -> row.variant() == reference && row.scenario().startsWith("a warm"));
		int pairs = Math.min(ours.size(), theirs.size());
		double sum = 0;
		List<String> each = new ArrayList<>();
		for (int i = 0; i < pairs; i++) {
			double ratio = ours.get(i).cpuMicrosPerMessage() / theirs.get(i).cpuMicrosPerMessage();
			sum += ratio;
			each.add(String.format(Locale.ROOT, "%.2fx", ratio));
		}
		double mean = (pairs > 0) ? sum / pairs : Double.NaN;
		Results.target(md, target, (pairs > 0) ? String.format(Locale.ROOT, "%.2fx (mean of the rounds' %s)", mean,
				String.join(", ", each)) : "not run", mean <= limit);
	}

	/** Cold equals warm: each round's burst published the moment readiness is UP against the warm one. */
	private void coldAgainstWarm(StringBuilder md) {
		List<String> figures = new ArrayList<>();
		boolean met = true;
		for (Variant variant : List.of(Variant.PIPELINE, Variant.ORDER)) {
			List<Row> cold = select((row) -> row.variant() == variant && row.scenario().startsWith("a' cold"));
			List<Row> warm = select((row) -> row.variant() == variant && row.scenario().startsWith("a warm"));
			for (int i = 0; i < Math.min(cold.size(), warm.size()); i++) {
				long coldLost = cold.get(i).lost();
				long warmLost = warm.get(i).lost();
				met &= coldLost <= warmLost;
				figures.add(String.format(Locale.ROOT, "%s round %d: lost %,d cold vs %,d warm",
						(variant == Variant.ORDER) ? "`order`" : "no-op", i + 1, coldLost, warmLost));
			}
		}
		Results.target(md, "(a') cold equals warm: a 1M burst published the moment readiness is `UP` loses no more "
				+ "than the same burst warm (service variants, each round)",
				figures.isEmpty() ? "not run" : String.join("; ", figures), !figures.isEmpty() && met);
	}

	private Row first(String scenario, Variant variant) {
		return select((row) -> row.variant() == variant && row.scenario().startsWith(scenario)).stream()
			.findFirst()
			.orElse(null);
	}

	private Row bestClean(Variant variant) {
		return select((row) -> row.variant() == variant && row.scenario().startsWith("c ") && row.clean()).stream()
			.max((a, b) -> Double.compare(a.publishedPerSecond(), b.publishedPerSecond()))
			.orElse(null);
	}

	private List<Row> select(Predicate<Row> filter) {
		return this.rows.stream().filter(filter).toList();
	}

}
