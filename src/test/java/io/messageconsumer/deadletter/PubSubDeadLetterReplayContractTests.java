package io.messageconsumer.deadletter;

import org.springframework.test.context.TestPropertySource;

import io.messageconsumer.support.Source;

/**
 * The dead-letter replay contract over pub/sub.
 */
@TestPropertySource(properties = "consumer.channels=orders")
class PubSubDeadLetterReplayContractTests extends DeadLetterReplayContractTests {

	@Override
	protected Source source() {
		return Source.pubSub();
	}

}
