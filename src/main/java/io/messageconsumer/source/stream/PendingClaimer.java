package io.messageconsumer.source.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.redis.RedisAsync;

/**
 * Claims the group's entries idle longer than {@code claim-min-idle} ({@code XAUTOCLAIM}: from
 * consumers that died, or replies that were lost) and hands them on, dead-lettering those
 * delivered more than {@code max-deliveries} times; and keeps this replica's own entries that
 * are still in progress from being claimed ({@code XCLAIM ... JUSTID}, a lease renewed on the
 * idle time). Spring Data Redis has no {@code XAUTOCLAIM}, so these commands go through
 * {@link RedisAsync} on the shared connection (the delivery counts' {@code XPENDING} calls pipelined).
 */
final class PendingClaimer {

	private static final Log logger = LogFactory.getLog(PendingClaimer.class);

	private static final int CLAIM_BATCH = 100;

	private static final int CLAIM_ROUNDS = 10;

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private final StreamsProperties settings;

	private final StringRedisTemplate redis;

	private final Consumer<byte[]> consumer;

	private final StreamCounters claimed;

	PendingClaimer(StreamsProperties settings, StringRedisTemplate redis, MeterRegistry meters) {
		this.settings = settings;
		this.redis = redis;
		this.consumer = ConsumerGroup.of(settings).consumer();
		this.claimed = new StreamCounters("consumer.stream.claimed", "Pending stream entries claimed after claim-min-idle",
				settings.keys(), meters);
	}

	/**
	 * How often to claim: half of {@code claim-min-idle}, between 100 ms and 5 s.
	 * @return the interval in milliseconds
	 */
	long intervalMillis() {
		return Math.max(100, Math.min(5_000, this.settings.claimMinIdle().toMillis() / 2));
	}

	/**
	 * Renew the lease on this replica's old entries, then claim others' idle ones, stream by stream.
	 * @param streams each stream's entries in progress here
	 * @param running whether the source still runs: a claim stops between rounds when it does not
	 */
	void claimAll(List<InProgressEntries> streams, BooleanSupplier running) {
		for (InProgressEntries entries : streams) {
			try {
				keepOwnEntries(entries);
				claim(entries, running);
			}
			catch (RuntimeException ex) {
				logger.debug("Claiming pending entries of " + entries.name() + " failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * Reset the idle time of entries this replica is still working on once they are a quarter of
	 * claim-min-idle old ({@code XCLAIM ... JUSTID} to itself: no delivery counted), so another
	 * replica never claims an entry that only waits behind a slow handler here.
	 */
	private void keepOwnEntries(InProgressEntries entries) {
		List<String> old = entries.longerThan(this.settings.claimMinIdle().toNanos() / 4);
		for (int from = 0; from < old.size(); from += CLAIM_BATCH * 10) {
			String[] ids = old.subList(from, Math.min(old.size(), from + CLAIM_BATCH * 10)).toArray(new String[0]);
			RedisAsync.call(this.redis, COMMAND_TIMEOUT,
					(commands) -> commands.xclaim(entries.key(), this.consumer, XClaimArgs.Builder.justid(), ids));
		}
	}

	/** Claim entries idle longer than claim-min-idle and hand them on, or dead-letter those delivered too often. */
	private void claim(InProgressEntries entries, BooleanSupplier running) {
		String cursor = "0-0";
		for (int round = 0; round < CLAIM_ROUNDS && running.getAsBoolean(); round++) {
			String start = cursor;
			Set<String> ours = entries.now();
			ClaimedMessages<byte[], byte[]> claim = RedisAsync.call(this.redis, COMMAND_TIMEOUT, (commands) -> commands.xautoclaim(
					entries.key(), XAutoClaimArgs.Builder.xautoclaim(this.consumer, this.settings.claimMinIdle(), start)
						.count(CLAIM_BATCH)));
			List<StreamMessage<byte[], byte[]>> claimedEntries = claim.getMessages();
			Map<String, Long> deliveries = claimedEntries.isEmpty() ? Map.of() : deliveries(entries, claimedEntries);
			for (StreamMessage<byte[], byte[]> entry : claimedEntries) {
				if (ours.contains(entry.getId())) {
					// Ours and on its way through a lane when claimed: not lost, just slow (or finished meanwhile).
					continue;
				}
				this.claimed.increment(entries.name(), 1);
				if (!entries.begin(entry.getId())) {
					// Claimed, and then read at once by the reader's pass over this consumer's own pending entries.
					continue;
				}
				long count = deliveries.getOrDefault(entry.getId(), 1L);
				entries.handle(entry, (count > this.settings.maxDeliveries())
						? "delivered " + count + " times (consumer.streams.max-deliveries=" + this.settings.maxDeliveries() + ")"
						: null);
			}
			cursor = claim.getId();
			if (cursor == null || "0-0".equals(cursor)) {
				break;
			}
		}
	}

	/** The delivery count of each claimed entry: one pipelined {@code XPENDING} an entry. */
	private Map<String, Long> deliveries(InProgressEntries entries, List<StreamMessage<byte[], byte[]>> claimed) {
		List<List<PendingMessage>> replies = RedisAsync.callAll(this.redis, COMMAND_TIMEOUT, (commands) -> claimed.stream()
			.map((entry) -> commands.xpending(entries.key(), this.consumer, Range.create(entry.getId(), entry.getId()),
					Limit.from(1)))
			.toList());
		Map<String, Long> counts = new LinkedHashMap<>();
		for (List<PendingMessage> reply : replies) {
			for (PendingMessage pending : reply) {
				counts.put(pending.getId(), pending.getRedeliveryCount());
			}
		}
		return counts;
	}

}
