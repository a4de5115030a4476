package io.messageconsumer.source.stream;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoConsumer;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.StreamsProperties;
import io.messageconsumer.support.LogText;

/**
 * Removes the group's consumers that are gone: another replica's consumer that holds nothing
 * pending and has not read for {@code claim-min-idle} ({@code XINFO CONSUMERS} through Spring
 * Data Redis's typed reply, then {@code XGROUP DELCONSUMER}). With nothing pending, removing it
 * loses nothing; it keeps the group's consumer list to the replicas alive.
 */
final class GroupJanitor {

	private static final Log logger = LogFactory.getLog(GroupJanitor.class);

	private final StreamsProperties settings;

	private final StringRedisTemplate redis;

	private long lastCheckNanos = System.nanoTime();

	GroupJanitor(StreamsProperties settings, StringRedisTemplate redis) {
		this.settings = settings;
		this.redis = redis;
	}

	/**
	 * Whether a check is due (once every {@code claim-min-idle}, at most once a second); when it
	 * is, the next one is due an interval from now.
	 * @return {@code true} when the streams are to be checked now
	 */
	boolean due() {
		if (System.nanoTime() - this.lastCheckNanos <= interval().toNanos()) {
			return false;
		}
		this.lastCheckNanos = System.nanoTime();
		return true;
	}

	private Duration interval() {
		Duration idle = this.settings.claimMinIdle();
		return (idle.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : idle;
	}

	/**
	 * Remove the consumers of the group on one stream, other than this one, that hold nothing
	 * and have not read for {@code claim-min-idle}.
	 * @param key the stream
	 */
	void removeStaleConsumers(String key) {
		String group = this.settings.group();
		for (XInfoConsumer consumer : this.redis.opsForStream().consumers(key, group)) {
			String name = consumer.consumerName();
			if (name == null || name.equals(this.settings.consumerName()) || consumer.pendingCount() != 0
					|| consumer.idleTimeMs() < this.settings.claimMinIdle().toMillis()) {
				continue;
			}
			this.redis.opsForStream().deleteConsumer(key, Consumer.from(group, name));
			logger.info("Removed consumer " + LogText.safe(name, 128) + " from group " + group + " on stream " + key
					+ ": idle with nothing pending");
		}
	}

}
