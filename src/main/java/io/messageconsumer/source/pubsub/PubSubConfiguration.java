package io.messageconsumer.source.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.RedisMessageListenerContainerConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;

import io.messageconsumer.config.ConsumerInstance;
import io.messageconsumer.config.ConsumerProperties;
import io.messageconsumer.config.HealthProperties;
import io.messageconsumer.source.ConsumerModeCondition;
import io.messageconsumer.redis.DedicatedConnectionFactory;
import io.messageconsumer.redis.RedisAsync;
import io.messageconsumer.processing.lanes.MessageDispatcher;
import io.messageconsumer.processing.MessagePipeline;
import io.messageconsumer.support.LogText;

/**
 * Wires the pub/sub source onto the listener container Spring Boot would auto-configure.
 * <p>
 * The container is declared under Boot's bean name {@code redisMessageListenerContainer} so
 * Boot backs off, and Boot's {@code spring.data.redis.listener.*} properties are applied with
 * its {@link RedisMessageListenerContainerConfigurer}. Its task executor is synchronous on
 * purpose: the listener only hands the bytes to the {@link MessageDispatcher}'s bounded queue,
 * so the connection's thread returns at once and no thread is created per message.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ConsumerModeCondition.PubSub.class)
class PubSubConfiguration {

	private static final Log logger = LogFactory.getLog(PubSubConfiguration.class);

	/** How long Redis may take to accept one batch of warm-up messages. */
	private static final Duration WARM_UP_BATCH_TIMEOUT = Duration.ofSeconds(5);

	/** How long the warm-up messages may take to come back before the warm-up runs without Redis. */
	private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(30);

	@Bean(destroyMethod = "close")
	DedicatedConnectionFactory subscriberConnectionFactory(RedisConnectionFactory connectionFactory) {
		return new DedicatedConnectionFactory(DedicatedConnectionFactory.lettuce(connectionFactory));
	}

	@Bean
	RedisMessageListenerContainer redisMessageListenerContainer(RedisMessageListenerContainerConfigurer configurer,
			DedicatedConnectionFactory subscriberConnectionFactory, PubSubListener listener, CanaryProbe canary,
			ConsumerProperties properties) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		// Its own I/O thread: a busy or waiting subscriber stalls none of the application's other connections.
		configurer.configure(container, subscriberConnectionFactory.factory());
		container.setTaskExecutor(new SyncTaskExecutor());
		container.setErrorHandler((ex) -> logger.error("Pub/sub listener error: " + LogText.safe(ex.toString())));
		List<Topic> topics = topics(properties);
		// The canary shares the connection of the real channels: it proves what they receive.
		topics.add(ChannelTopic.of(canary.channel()));
		container.addMessageListener(listener, topics);
		// Started by PubSubStarter, which keeps retrying while Redis is unreachable.
		container.setAutoStartup(false);
		return container;
	}

	@Bean
	PubSubStarter pubSubStarter(RedisMessageListenerContainer redisMessageListenerContainer,
			DataRedisProperties redisProperties, PubSubWarmUp warmUp,
			ObjectProvider<SubscriptionMonitor> pubSubSubscriptionMonitor) {
		// The monitor needs the starter (to resubscribe a zombie), so it is looked up when first subscribed.
		return new PubSubStarter(redisMessageListenerContainer, redisProperties.getListener().isAutoStartup(),
				warmUp::run, () -> pubSubSubscriptionMonitor.ifAvailable(SubscriptionMonitor::check));
	}

	@Bean
	PubSubListener pubSubListener(MessageDispatcher dispatcher, CanaryProbe canary, PubSubWarmUp warmUp) {
		return new PubSubListener(dispatcher, canary, warmUp);
	}

	@Bean
	PubSubWarmUp pubSubWarmUp(MessagePipeline pipeline, StringRedisTemplate redis, CanaryProbe canary) {
		byte[] channel = canary.channel().getBytes(StandardCharsets.UTF_8);
		// Pipelined on the shared connection, a batch at a time; the subscriber's connection only receives.
		return new PubSubWarmUp(pipeline.warmUp(), (bodies) -> RedisAsync.callAll(redis, WARM_UP_BATCH_TIMEOUT,
				(commands) -> bodies.stream().map((body) -> commands.publish(channel, body)).toList()), WARM_UP_TIMEOUT);
	}

	@Bean
	CanaryProbe pubSubCanaryProbe(StringRedisTemplate redis, ConsumerInstance instance, ConsumerProperties properties,
			ObjectProvider<RedisMessageListenerContainer> redisMessageListenerContainer, TaskScheduler taskScheduler) {
		HealthProperties health = properties.health();
		String channel = health.canaryChannel().replace("{instance}", instance.clientName());
		// The container needs the canary's channel, so it is looked up when the first probe is due.
		return new CanaryProbe(redis, channel, health.canaryInterval(), health.canaryTimeout(),
				() -> redisMessageListenerContainer.getObject().isListening(), taskScheduler);
	}

	@Bean
	SubscriptionMonitor pubSubSubscriptionMonitor(RedisMessageListenerContainer redisMessageListenerContainer,
			StringRedisTemplate redis, ConsumerInstance instance, ConsumerProperties properties, CanaryProbe canary,
			PubSubListener listener, PubSubStarter starter, PubSubWarmUp warmUp, ShardSubscriber shardSubscriber,
			ShardTopology shardTopology, ShardCanaries shardCanaries, MeterRegistry meters) {
		return new SubscriptionMonitor(redisMessageListenerContainer, redis, instance.clientName(),
				properties.channels(), properties.patterns(), canary, warmUp::isWarm, listener::lastMessageNanos,
				starter::resubscribe, new ShardHealth(shardSubscriber.channels(), shardTopology, shardCanaries,
						shardSubscriber::problem, shardSubscriber::reconcile),
				meters);
	}

	@Bean(destroyMethod = "close")
	ShardTopology pubSubShardTopology(DedicatedConnectionFactory subscriberConnectionFactory) {
		// The subscriber's own client: its I/O thread, its cluster topology.
		return new ShardTopology(subscriberConnectionFactory.factory().getRequiredNativeClient());
	}

	@Bean
	ShardSubscriber pubSubShardSubscriber(ShardTopology shardTopology, ConsumerProperties properties,
			ShardCanaries shardCanaries, PubSubListener listener, TaskScheduler taskScheduler) {
		return new ShardSubscriber(shardTopology, properties.shardChannels(), shardCanaries, listener, taskScheduler);
	}

	@Bean
	ShardCanaries pubSubShardCanaries(ConsumerProperties properties, ConsumerInstance instance, StringRedisTemplate redis,
			ObjectProvider<ShardSubscriber> pubSubShardSubscriber, TaskScheduler taskScheduler) {
		// The subscriber needs the canaries' channels, so it is looked up when the first probe is due.
		return new ShardCanaries(properties.shardChannels(), instance.clientName(), redis, properties.health(),
				(channel) -> pubSubShardSubscriber.getObject().isSubscribed(channel), taskScheduler);
	}

	@Bean(destroyMethod = "close")
	ReconnectDetector pubSubReconnectDetector(DedicatedConnectionFactory subscriberConnectionFactory,
			SubscriptionMonitor pubSubSubscriptionMonitor, PubSubStarter starter, MeterRegistry meters) {
		return new ReconnectDetector(subscriberConnectionFactory.events(), meters,
				pubSubSubscriptionMonitor::outputBufferBytes, starter::isRunning, subscriberConnectionFactory::isSentinel);
	}

	private static List<Topic> topics(ConsumerProperties properties) {
		List<Topic> topics = new ArrayList<>();
		properties.channels().forEach((channel) -> topics.add(ChannelTopic.of(channel)));
		properties.patterns().forEach((pattern) -> topics.add(PatternTopic.of(pattern)));
		return topics;
	}

}
