package io.messageconsumer.bench;

import java.time.Duration;

/** One variant under test, running as its own process. */
interface Consumer extends AutoCloseable {

	/** Wait until it is subscribed and ready. */
	void awaitReady(Duration timeout) throws Exception;

	/** Its counters so far. */
	Counts counts() throws Exception;

	/** Delivery latency percentiles, in microseconds, of the messages since the last call. */
	Latency latency() throws Exception;

	/** CPU, memory and threads of its process. */
	ProcessStats process();

	@Override
	void close();

	/**
	 * Counters of a consumer.
	 * @param received messages read from Redis
	 * @param outcomes messages that reached an outcome (processed, duplicate, rejected, failed)
	 * @param processed messages processed by the handler
	 * @param overflowed messages dead-lettered because the consumer was full
	 * @param reconnects reconnects the consumer counted itself
	 * @param droppedDeadLetters dead letters the consumer could not keep (lost after all)
	 */
	record Counts(long received, long outcomes, long processed, long overflowed, long reconnects,
			long droppedDeadLetters) {

		Counts minus(Counts before) {
			return new Counts(this.received - before.received, this.outcomes - before.outcomes,
					this.processed - before.processed, this.overflowed - before.overflowed,
					this.reconnects - before.reconnects, this.droppedDeadLetters - before.droppedDeadLetters);
		}

	}

	/**
	 * Latency percentiles in microseconds ({@code -1} when unknown).
	 * @param p50 the median
	 * @param p99 the 99th percentile
	 * @param p999 the 99.9th percentile
	 */
	record Latency(long p50, long p99, long p999) {

		static final Latency UNKNOWN = new Latency(-1, -1, -1);

	}

}
