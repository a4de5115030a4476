package io.messageconsumer.decode;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Builds the hardened {@link JsonMapper} that reads messages from the wire.
 * <p>
 * It is separate from Boot's application mapper so that customisations of that one cannot
 * weaken it: no default typing, duplicate members and trailing tokens rejected, and explicit
 * limits on nesting depth, number, string and name length, document length and token count,
 * so hostile input costs little CPU and memory.
 * <p>
 * It binds strictly: no coercion between JSON types for a record's fields. A string is not a
 * number ({@code "total":"19.00"}), a number or boolean is not a string ({@code "message":42}),
 * a number with a fraction is not an integer and nothing but {@code true}/{@code false} is a
 * boolean. The one exception, made in {@link PayloadBindingModule}: a member named {@code id}
 * bound to a string also takes a JSON integer that fits a long, as its decimal text.
 * <p>
 * Its buffers are recycled per thread: the mapper is used by a few long-lived platform threads
 * (the connections' and the lanes' workers), and Jackson 3's default pool (a concurrent deque)
 * costs a queue node and two CAS operations per parser, several per message.
 */
public final class MessageJson {

	/** Default deepest nesting of objects and arrays accepted. */
	public static final int MAX_NESTING_DEPTH = JsonLimits.DEFAULT_MAX_NESTING_DEPTH;

	/** Default longest number literal accepted, in characters. */
	public static final int MAX_NUMBER_LENGTH = JsonLimits.DEFAULT_MAX_NUMBER_LENGTH;

	/** Default longest member name accepted, in characters. */
	public static final int MAX_NAME_LENGTH = JsonLimits.DEFAULT_MAX_NAME_LENGTH;

	private MessageJson() {
	}

	/**
	 * Create the mapper with the default limits.
	 * @param maxMessageBytes the message size limit; it also bounds document and string length and
	 * token count
	 * @return the mapper
	 */
	public static JsonMapper create(int maxMessageBytes) {
		return create(JsonLimits.defaults(maxMessageBytes));
	}

	/**
	 * Create the mapper.
	 * @param limits the parser limits
	 * @return the mapper
	 */
	public static JsonMapper create(JsonLimits limits) {
		StreamReadConstraints constraints = StreamReadConstraints.builder()
			.maxNestingDepth(limits.maxNestingDepth())
			.maxNumberLength(limits.maxNumberLength())
			.maxNameLength(limits.maxNameLength())
			.maxStringLength(limits.maxStringLength())
			.maxDocumentLength(limits.maxDocumentLength())
			.maxTokenCount(limits.maxTokenCount())
			.build();
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(constraints)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.recyclerPool(JsonRecyclerPools.threadLocalPool())
			.build();
		return JsonMapper.builder(factory)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfig(LogicalType.Textual, (textual) -> fail(textual, CoercionInputShape.Integer,
					CoercionInputShape.Float, CoercionInputShape.Boolean))
			.withCoercionConfig(LogicalType.Integer, (integer) -> fail(integer, CoercionInputShape.String,
					CoercionInputShape.EmptyString, CoercionInputShape.Float, CoercionInputShape.Boolean))
			.withCoercionConfig(LogicalType.Float, (number) -> fail(number, CoercionInputShape.String,
					CoercionInputShape.EmptyString, CoercionInputShape.Boolean))
			.withCoercionConfig(LogicalType.Boolean, (bool) -> fail(bool, CoercionInputShape.String,
					CoercionInputShape.EmptyString, CoercionInputShape.Integer, CoercionInputShape.Float))
			.withCoercionConfig(LogicalType.Enum, (enumeration) -> fail(enumeration, CoercionInputShape.Integer,
					CoercionInputShape.Float, CoercionInputShape.Boolean))
			.addModule(new PayloadBindingModule())
			.build();
	}

	private static void fail(MutableCoercionConfig config, CoercionInputShape... shapes) {
		for (CoercionInputShape shape : shapes) {
			config.setCoercion(shape, CoercionAction.Fail);
		}
	}

}
