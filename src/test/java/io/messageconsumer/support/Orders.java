package io.messageconsumer.support;

import java.util.UUID;

/**
 * Order messages for integration tests.
 */
public final class Orders {

	private Orders() {
	}

	/**
	 * An id no other test uses.
	 * @param prefix what the id starts with, e.g. {@code it}
	 * @return {@code <prefix>-<uuid>}
	 */
	public static String uniqueId(String prefix) {
		return prefix + "-" + UUID.randomUUID();
	}

	/**
	 * A valid order: {@code {"type":"order","id":...,"total":1.0,"currency":"EUR"}}.
	 * @param id the order id
	 * @return the JSON text
	 */
	public static String order(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"total\":1.0,\"currency\":\"EUR\"}";
	}

	/**
	 * A valid order of customer {@code c-7} over 19.0 EUR.
	 * @param id the order id
	 * @return the JSON text
	 */
	public static String customerOrder(String id) {
		return "{\"type\":\"order\",\"id\":\"" + id + "\",\"customerId\":\"c-7\",\"total\":19.0,\"currency\":\"EUR\"}";
	}

}
