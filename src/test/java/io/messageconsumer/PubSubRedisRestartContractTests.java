package io.messageconsumer;

import io.messageconsumer.support.Source;

/**
 * The Redis restart contract over pub/sub.
 */
class PubSubRedisRestartContractTests extends RedisRestartContractTests {

	@Override
	protected Source source() {
		return Source.pubSub();
	}

}
