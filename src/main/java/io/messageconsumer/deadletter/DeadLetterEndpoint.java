package io.messageconsumer.deadletter;

import java.util.Arrays;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.messageconsumer.message.DeadLetterReason;

/**
 * The {@code /actuator/deadletters} endpoint: lists the dead-letter stream, and
 * ({@code POST /actuator/deadletters/replay}) replays selected entries through the pipeline.
 * Registered only when {@code consumer.dead-letter.replay-enabled=true}.
 */
@Endpoint(id = "deadletters")
class DeadLetterEndpoint {

	static final String REPLAY = "replay";

	private static final int STATUS_CONFLICT = 409;

	private final DeadLetterListing listing;

	private final DeadLetterReplayer replayer;

	DeadLetterEndpoint(DeadLetterListing listing, DeadLetterReplayer replayer) {
		this.listing = listing;
		this.replayer = replayer;
	}

	/**
	 * List the stream: its length, counts by reason over the newest entries, the newest entries.
	 * @param count newest entries to show (default 20, at most 1,000)
	 * @return the listing
	 */
	@ReadOperation
	public Map<String, Object> deadLetters(@Nullable Integer count) {
		int shown = (count != null) ? count : DeadLetterListing.DEFAULT_COUNT;
		if (shown < 0 || shown > DeadLetterListing.MAX_COUNT) {
			throw new InvalidEndpointRequestException("count must be between 0 and " + DeadLetterListing.MAX_COUNT,
					"invalid count");
		}
		return this.listing.list(shown);
	}

	/**
	 * Replay dead letters, oldest first.
	 * @param action must be {@code replay}
	 * @param reason replay only entries with this reason code
	 * @param type replay only entries with this message type
	 * @param limit replay at most this many (default 100, at most 10,000)
	 * @return counts: selected, replayed, removed, stillFailing, skipped, and by outcome; 404 for
	 * another action, 409 while another replay runs
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> replay(@Selector String action, @Nullable String reason,
			@Nullable String type, @Nullable Integer limit) {
		if (!REPLAY.equals(action)) {
			return new WebEndpointResponse<>(Map.of("error", "unknown action; use " + REPLAY),
					WebEndpointResponse.STATUS_NOT_FOUND);
		}
		String reasonFilter = blankToNull(reason);
		if (reasonFilter != null && Arrays.stream(DeadLetterReason.values()).noneMatch((r) -> r.code().equals(reasonFilter))) {
			throw new InvalidEndpointRequestException("unknown reason", "unknown reason");
		}
		int max = (limit != null) ? limit : DeadLetterReplayer.DEFAULT_LIMIT;
		if (max < 1) {
			throw new InvalidEndpointRequestException("limit must be at least 1", "invalid limit");
		}
		Map<String, Object> report = this.replayer.replay(reasonFilter, blankToNull(type),
				Math.min(max, DeadLetterReplayer.MAX_LIMIT));
		if (report == null) {
			return new WebEndpointResponse<>(Map.of("error", "another replay is running"), STATUS_CONFLICT);
		}
		return new WebEndpointResponse<>(report);
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return (text == null || text.isBlank()) ? null : text;
	}

}
