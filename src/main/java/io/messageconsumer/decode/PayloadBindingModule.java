package io.messageconsumer.decode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Makes binding a payload record cheaper, and lets an {@code id} be a JSON integer.
 * <ul>
 * <li>A string member named {@code id} also takes a JSON integer that fits a long, as its decimal
 * text ({@code "id": 9000} is {@code "9000"}), as seed-style publishers send it; a larger integer,
 * a fraction or a boolean is rejected. Every other string member takes only a JSON string (the
 * mapper's coercion configuration, {@link MessageJson}).</li>
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
		addDeserializer(String.class, new IdTextDeserializer());
	}

	/**
	 * The standard string deserializer for every member but {@code id}, which also takes an
	 * integer that fits a long.
	 */
	private static final class IdTextDeserializer extends StdScalarDeserializer<String> {

		IdTextDeserializer() {
			super(String.class);
		}

		@Override
		public LogicalType logicalType() {
			return LogicalType.Textual;
		}

		@Override
		public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
			return (property != null && "id".equals(property.getName())) ? this : StringDeserializer.instance;
		}

		@Override
		public String deserialize(JsonParser parser, DeserializationContext ctxt) throws JacksonException {
			if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
				return StringDeserializer.instance.deserialize(parser, ctxt);
			}
			JsonParser.NumberType number = parser.getNumberType();
			if (number != JsonParser.NumberType.INT && number != JsonParser.NumberType.LONG) {
				throw MismatchedInputException.from(parser, String.class, "integer id does not fit a long");
			}
			return Long.toString(parser.getLongValue());
		}

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
