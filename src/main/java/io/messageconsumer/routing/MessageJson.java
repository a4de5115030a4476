package io.messageconsumer.routing;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the hardened {@link JsonMapper} that reads messages from the wire.
 * <p>
 * It is separate from Boot's application mapper so that customisations of that one cannot
 * weaken it: no default typing, duplicate members and trailing tokens rejected, and explicit
 * limits on nesting depth, number, string and name length, document length and token count,
 * so hostile input costs little CPU and memory.
 * <p>
 * Its buffers are recycled per thread: the mapper is used by a few long-lived platform threads
 * (the connections' and the lanes' workers), and Jackson 3's default pool (a concurrent deque)
 * costs a queue node and two CAS operations per parser, several per message.
 */
public final class MessageJson {

	/** Deepest nesting of objects and arrays accepted. */
	public static final int MAX_NESTING_DEPTH = 64;

	/** Longest number literal accepted, in characters. */
	public static final int MAX_NUMBER_LENGTH = 100;

	/** Longest member name accepted, in characters. */
	public static final int MAX_NAME_LENGTH = 1024;

	private MessageJson() {
	}

	/**
	 * Create the mapper.
	 * @param maxMessageBytes the message size limit; it also bounds document and string length
	 * @return the mapper
	 */
	public static JsonMapper create(int maxMessageBytes) {
		StreamReadConstraints constraints = StreamReadConstraints.builder()
			.maxNestingDepth(MAX_NESTING_DEPTH)
			.maxNumberLength(MAX_NUMBER_LENGTH)
			.maxNameLength(MAX_NAME_LENGTH)
			.maxStringLength(maxMessageBytes)
			.maxDocumentLength(maxMessageBytes)
			.maxTokenCount(maxMessageBytes)
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
			.addModule(new PayloadBindingModule())
			.build();
	}

}
