package io.messageconsumer.monitoring;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateWindowTests {

	private static final long START = 1_700_000_000_000L;

	private final AtomicLong clock = new AtomicLong(START);

	private final RateWindow window = new RateWindow(this.clock::get);

	@Test
	void reportsZeroWithoutEvents() {
		assertThat(this.window.ratePerSecond(10)).isZero();
		assertThat(this.window.ratePerSecond(60)).isZero();
		assertThat(this.window.ratePerSecond(300)).isZero();
	}

	@Test
	void countsOnlyCompleteSeconds() {
		record(5);
		assertThat(this.window.ratePerSecond(10)).isZero();
		advanceSeconds(1);
		assertThat(this.window.ratePerSecond(10)).isEqualTo(0.5);
	}

	@Test
	void averagesOverTenAndSixtySeconds() {
		for (int second = 0; second < 10; second++) {
			record(30);
			advanceSeconds(1);
		}
		assertThat(this.window.ratePerSecond(10)).isEqualTo(30.0);
		assertThat(this.window.ratePerSecond(60)).isEqualTo(5.0);
	}

	@Test
	void countsEventsAnywhereInsideASecond() {
		this.clock.set(START + 1);
		record(1);
		this.clock.set(START + 999);
		record(1);
		this.clock.set(START + 1000);
		assertThat(this.window.ratePerSecond(10)).isEqualTo(0.2);
	}

	@Test
	void expiresSecondsOlderThanTheWindow() {
		record(100);
		advanceSeconds(10);
		assertThat(this.window.ratePerSecond(10)).isEqualTo(10.0);
		advanceSeconds(1);
		assertThat(this.window.ratePerSecond(10)).isZero();
		assertThat(this.window.ratePerSecond(60)).isCloseTo(100.0 / 60, within(1e-9));
		advanceSeconds(50);
		assertThat(this.window.ratePerSecond(60)).isZero();
		assertThat(this.window.ratePerSecond(300)).isCloseTo(100.0 / 300, within(1e-9));
	}

	@Test
	void keepsFiveMinutesOfHistory() {
		record(100);
		advanceSeconds(300);
		assertThat(this.window.ratePerSecond(10)).isZero();
		assertThat(this.window.ratePerSecond(300)).isCloseTo(100.0 / 300, within(1e-9));
		advanceSeconds(1);
		assertThat(this.window.ratePerSecond(300)).isZero();
	}

	@Test
	void restartsTheCountWhenASlotIsReused() {
		record(100);
		advanceSeconds(300);
		record(3);
		advanceSeconds(1);
		assertThat(this.window.ratePerSecond(10)).isEqualTo(0.3);
	}

	@Test
	void keepsEachSecondSeparate() {
		record(10);
		advanceSeconds(1);
		record(20);
		advanceSeconds(1);
		record(40);
		advanceSeconds(1);
		assertThat(this.window.ratePerSecond(1)).isEqualTo(40.0);
		assertThat(this.window.ratePerSecond(2)).isEqualTo(30.0);
		assertThat(this.window.ratePerSecond(10)).isEqualTo(7.0);
	}

	private void record(int events) {
		for (int i = 0; i < events; i++) {
			this.window.record();
		}
	}

	private void advanceSeconds(int seconds) {
		this.clock.addAndGet(seconds * 1000L);
	}

}
