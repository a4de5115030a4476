package io.messageconsumer.routing;

import java.util.Map;

/**
 * What a source reports about itself, for health: whether it is consuming everything it was
 * configured to consume.
 *
 * @param active {@code true} only while every configured channel, pattern or stream is consumed
 * @param state a short word: {@code consuming}, {@code connecting}, {@code degraded} or {@code stopped}
 * @param details further facts for the health details
 */
public record SourceStatus(boolean active, String state, Map<String, Object> details) {

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
