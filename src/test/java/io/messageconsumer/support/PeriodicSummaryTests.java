package io.messageconsumer.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PeriodicSummary}: a burst costs a few reports, and its end is reported by the
 * scheduled flush when nothing follows it.
 */
class PeriodicSummaryTests {

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final List<Long> reports = new ArrayList<>();

	private final PeriodicSummary summary = new PeriodicSummary(Duration.ofSeconds(5), this.reports::add,
			this.clock::get);

	@Test
	void reportsTheFirstEventAtOnceAndSumsTheRestOfTheInterval() {
		this.summary.record();
		for (int i = 0; i < 999; i++) {
			this.clock.addAndGet(1_000_000);
			this.summary.record();
		}
		assertThat(this.reports).containsExactly(1L);
	}

	@Test
	void flushReportsTheEndOfABurstOnceTheIntervalHasPassed() {
		this.summary.record();
		this.summary.record(41);
		this.summary.flush();
		assertThat(this.reports).containsExactly(1L);
		this.clock.addAndGet(Duration.ofSeconds(5).toNanos());
		this.summary.flush();
		this.summary.flush();
		assertThat(this.reports).containsExactly(1L, 41L);
	}

	@Test
	void quietFlushesDoNotDelayTheNextFirstReport() {
		for (int i = 0; i < 10; i++) {
			this.clock.addAndGet(Duration.ofSeconds(1).toNanos());
			this.summary.flush();
		}
		this.summary.record();
		assertThat(this.reports).containsExactly(1L);
	}

}
