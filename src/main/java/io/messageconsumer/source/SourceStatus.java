package io.messageconsumer.source;

import java.util.Map;

/**
 * What a source reports about itself, for health: whether it consumes everything it was
 * configured to consume, and whether it is about to fall behind.
 *
 * @param level {@code CONSUMING}, {@code DEGRADED} (still consuming, but at risk) or {@code DOWN}
 * @param state a short word for operators: {@code consuming}, {@code connecting}, {@code backlogged},
 * {@code degraded} or {@code stopped}
 * @param details further facts for the health details
 */
public record SourceStatus(Level level, String state, Map<String, Object> details) {

	/**
	 * Whether every configured channel, pattern or stream is consumed.
	 * @return {@code true} unless the level is {@code DOWN}
	 */
	public boolean active() {
		return this.level != Level.DOWN;
	}

	/** How well a source is doing. */
	public enum Level {

		/** Consuming everything configured. */
		CONSUMING,

		/** Consuming, but at risk of being cut off (e.g. its server-side buffer fills up). */
		DEGRADED,

		/** Not consuming all that is configured. */
		DOWN

	}

	/**
	 * A source of messages, as health and the throughput endpoint see it.
	 */
	public interface Source {

		/**
		 * The source name: {@code pubsub} or {@code stream}.
		 * @return the name
		 */
		String name();

		/**
		 * The source's current status.
		 * @return the status
		 */
		SourceStatus status();

	}

}
