package io.messageconsumer.processing.lanes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.messageconsumer.processing.failure.Settlement;

/**
 * The dispatcher's keyed lanes while it runs: the lane of an ordering key (hash modulo the lane
 * count, or the next lane in turn for a message without a key), how many messages wait, and
 * giving up on stuck workers and on what is left at stop.
 */
final class Lanes {

	private final Lane[] lanes;

	private final AtomicInteger inFlight;

	private final AtomicInteger nextLane = new AtomicInteger();

	/**
	 * Create and start the lanes.
	 * @param count how many lanes, one worker each
	 * @param capacity messages each lane buffers
	 * @param stages the pipeline's steps the workers run
	 * @param inFlight counts the messages a worker is processing
	 */
	Lanes(int count, int capacity, Stages stages, AtomicInteger inFlight) {
		this.inFlight = inFlight;
		this.lanes = new Lane[count];
		for (int i = 0; i < count; i++) {
			this.lanes[i] = new Lane("lane-" + (i + 1), capacity, stages, inFlight);
			this.lanes[i].start();
		}
	}

	Lane laneFor(String key) {
		int hash = (key != null) ? key.hashCode() : this.nextLane.getAndIncrement();
		return this.lanes[Math.floorMod(hash, this.lanes.length)];
	}

	/** Messages buffered and not yet taken by a worker, over all lanes. */
	int depth() {
		int depth = 0;
		for (Lane lane : this.lanes) {
			depth += lane.depth();
		}
		return depth;
	}

	/** Abandon every worker whose message has run longer than {@code maxNanos}. */
	void abandonStuck(long maxNanos) {
		long now = System.nanoTime();
		for (Lane lane : this.lanes) {
			lane.abandonIfStuck(maxNanos, now);
		}
	}

	/** Take no new work, drain for at most {@code drainTimeout}, then give up what is left. */
	void drain(Duration drainTimeout, Settlement settlement) {
		LaneDrain.drain(this.lanes, this.inFlight.get(), drainTimeout, settlement);
	}

}
