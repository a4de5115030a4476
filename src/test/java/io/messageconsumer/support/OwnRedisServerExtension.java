package io.messageconsumer.support;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The JUnit Jupiter extension behind {@link OwnRedisServer}: one {@link RedisServerProcess} per
 * test class, injected into the class's fields and parameters of that type, stopped when the
 * class's extension context closes, after every {@code @AfterAll} method and callback.
 */
public final class OwnRedisServerExtension implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(OwnRedisServerExtension.class);

	/** By test class, for the Spring context customizer as well. */
	private static final Map<Class<?>, RedisServerProcess> servers = new ConcurrentHashMap<>();

	@Override
	public void beforeAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		RedisServerProcess server = serverFor(testClass);
		// Closed with the class's context: after @AfterAll and after Spring closes a dirtied context.
		context.getStore(NAMESPACE).put(testClass, (AutoCloseable) () -> {
			servers.remove(testClass, server);
			server.stopAndDelete();
		});
		inject(testClass, null, server, ModifierSupport::isStatic);
	}

	@Override
	public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
		inject(testInstance.getClass(), testInstance, serverFor(testInstance.getClass()), ModifierSupport::isNotStatic);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServerProcess.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return serverFor(extensionContext.getRequiredTestClass());
	}

	/**
	 * The server of a test class, started on first use: in {@code beforeAll}, or earlier where
	 * something needs it first (a per-class test instance is post-processed before it; a Spring
	 * listener may load the context before it).
	 * @param testClass the test class
	 * @return its server
	 */
	static RedisServerProcess serverFor(Class<?> testClass) {
		return servers.computeIfAbsent(testClass, OwnRedisServerExtension::start);
	}

	private static RedisServerProcess start(Class<?> testClass) {
		// Merged, so that a composed annotation (OwnRedisServiceTest) passes its attributes on.
		OwnRedisServer settings = AnnotatedElementUtils.findMergedAnnotation(testClass, OwnRedisServer.class);
		if (settings == null) {
			throw new IllegalStateException(testClass.getName() + " is not annotated @OwnRedisServer");
		}
		RedisServerProcess server = RedisServerProcess.startWithConfig(List.of(settings.config()),
				settings.arguments());
		if (!settings.running()) {
			server.stop();
		}
		return server;
	}

	private static void inject(Class<?> testClass, Object testInstance, RedisServerProcess server,
			Predicate<Field> scope) {
		Predicate<Field> injectable = (field) -> field.getType() == RedisServerProcess.class
				&& ModifierSupport.isNotFinal(field) && scope.test(field);
		for (Field field : ReflectionSupport.findFields(testClass, injectable, HierarchyTraversalMode.TOP_DOWN)) {
			try {
				field.setAccessible(true);
				field.set(testInstance, server);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException("Could not inject the redis-server into " + field, ex);
			}
		}
	}

}
