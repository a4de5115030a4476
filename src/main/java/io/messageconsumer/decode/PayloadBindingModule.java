package io.messageconsumer.decode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.module.SimpleModule;

/**
 * Makes binding a payload record cheaper without changing what it accepts.
 * <ul>
 * <li>Unknown members are skipped as they are met. The message mapper ignores them anyway
 * ({@code FAIL_ON_UNKNOWN_PROPERTIES} is off), but a record is bound through its constructor,
 * and without this Jackson copies every unknown member met before the last constructor
 * argument (a message's {@code type}, {@code time}) into a token buffer, only to drop it.</li>
 * <li>A record's constructor is called through reflection: Jackson 3 calls it with
 * {@code MethodHandle.invokeWithArguments}, which builds a spreading handle on every call.</li>
 * </ul>
 */
final class PayloadBindingModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	PayloadBindingModule() {
		super("message-consumer-payload-binding");
		setDeserializerModifier(new Modifier());
	}

	private static final class Modifier extends ValueDeserializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public BeanDeserializerBuilder updateBuilder(DeserializationConfig config,
				BeanDescription.Supplier beanDescRef, BeanDeserializerBuilder builder) {
			builder.setIgnoreUnknownProperties(true);
			ValueInstantiator instantiator = builder.getValueInstantiator();
			if (instantiator != null && instantiator.getClass() == StdValueInstantiator.class
					&& ((StdValueInstantiator) instantiator).getWithArgsCreator() instanceof AnnotatedConstructor creator) {
				Constructor<?> constructor = creator.getAnnotated();
				if (constructor.trySetAccessible()) {
					builder.setValueInstantiator(new ReflectiveInstantiator((StdValueInstantiator) instantiator, constructor));
				}
			}
			return builder;
		}

	}

	/** The standard instantiator, calling the properties-based constructor through reflection. */
	private static final class ReflectiveInstantiator extends StdValueInstantiator {

		private static final long serialVersionUID = 1L;

		private final transient Constructor<?> constructor;

		ReflectiveInstantiator(StdValueInstantiator source, Constructor<?> constructor) {
			super(source);
			this.constructor = constructor;
		}

		@Override
		public Object createFromObjectWith(DeserializationContext ctxt, Object[] args) throws JacksonException {
			try {
				return this.constructor.newInstance(args);
			}
			catch (InvocationTargetException ex) {
				// What the constructor threw, handled as Jackson handles it.
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				return ctxt.handleInstantiationProblem(getValueClass(), args, rewrapCtorProblem(ctxt, cause));
			}
			catch (ReflectiveOperationException | IllegalArgumentException ex) {
				return ctxt.handleInstantiationProblem(getValueClass(), args, rewrapCtorProblem(ctxt, ex));
			}
		}

	}

}
