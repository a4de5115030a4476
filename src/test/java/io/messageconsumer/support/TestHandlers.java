package io.messageconsumer.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import io.messageconsumer.handler.MessageHandler;

/**
 * Gives the service under test the handlers a Spring test class keeps in static fields of type
 * {@link MessageHandler} (usually {@link TestHandler}s), as beans: no configuration class per
 * handler, and the test reads the handler's state from the same field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(TestHandlers.Registrar.class)
public @interface TestHandlers {

	/**
	 * Registers the static handler fields of the class that imports it.
	 */
	class Registrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			Class<?> testClass = ClassUtils.resolveClassName(metadata.getClassName(), getClass().getClassLoader());
			for (Field field : testClass.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers()) && MessageHandler.class.isAssignableFrom(field.getType())) {
					MessageHandler<?> handler = read(field);
					RootBeanDefinition definition = new RootBeanDefinition(MessageHandler.class, () -> handler);
					registry.registerBeanDefinition(testClass.getSimpleName() + "." + field.getName(), definition);
				}
			}
		}

		private static MessageHandler<?> read(Field field) {
			try {
				field.setAccessible(true);
				return (MessageHandler<?>) field.get(null);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException("Could not read the handler in " + field, ex);
			}
		}

	}

}
