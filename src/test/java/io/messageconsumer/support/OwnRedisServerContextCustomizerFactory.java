package io.messageconsumer.support;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Sets {@code spring.data.redis.url} to the server {@link OwnRedisServer} started for the test
 * class, with the class in the context's cache key, so that no other class reuses the context.
 */
class OwnRedisServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new ServerUrlCustomizer(testClass);
	}

	/**
	 * Adds the URL ahead of every other property source, as {@code @DynamicPropertySource} does.
	 *
	 * @param testClass the test class whose server the context talks to (equality keys the cache)
	 */
	private record ServerUrlCustomizer(Class<?> testClass) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			String url = OwnRedisServerExtension.serverFor(this.testClass).url();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("ownRedisServer", Map.of("spring.data.redis.url", url)));
		}

	}

}
