package io.messageconsumer.deadletter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.processing.lanes.MessageDispatcher;

/**
 * Registers the {@code deadletters} endpoint, only when
 * {@code consumer.dead-letter.replay-enabled=true}: replaying re-applies side effects, so an
 * operator opts in.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("consumer.dead-letter.replay-enabled")
class DeadLetterReplayConfiguration {

	@Bean
	DeadLetterEndpoint deadLetterEndpoint(StringRedisTemplate redis, MessageDispatcher dispatcher,
			ConsumerProperties properties) {
		DeadLetterStream stream = new DeadLetterStream(redis, properties.deadLetter().stream());
		return new DeadLetterEndpoint(new DeadLetterListing(stream), new DeadLetterReplayer(stream, dispatcher));
	}

}
