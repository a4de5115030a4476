package io.messageconsumer.monitoring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Meter;

/**
 * One meter per pair of tag values (a message type and an outcome, a source and a channel),
 * registered the first time the pair is seen and cached (spring-kafka's {@code MicrometerHolder}).
 * A lookup of a known pair is two map reads, with nothing allocated: the per-message path.
 *
 * @param <K> the second tag's value
 * @param <M> the meter
 */
final class MeterCache<K, M extends Meter> {

	private final Map<String, Map<K, M>> meters = new ConcurrentHashMap<>();

	private final Supplier<Map<K, M>> inner;

	private final BiFunction<String, K, M> register;

	/**
	 * Create the cache.
	 * @param inner a new map for the second tag's values, e.g. an {@code EnumMap}
	 * @param register registers the meter of a pair
	 */
	MeterCache(Supplier<Map<K, M>> inner, BiFunction<String, K, M> register) {
		this.inner = inner;
		this.register = register;
	}

	/**
	 * The meter of a pair, registered if it is the first of its pair.
	 * @param first the first tag's value
	 * @param second the second tag's value
	 * @return the meter
	 */
	M get(String first, K second) {
		Map<K, M> bySecond = this.meters.get(first);
		M meter = (bySecond != null) ? bySecond.get(second) : null;
		return (meter != null) ? meter : registered(first, second);
	}

	/** Seldom: once a pair. Synchronized, as the inner map need not be a concurrent one. */
	private synchronized M registered(String first, K second) {
		return this.meters.computeIfAbsent(first, (key) -> this.inner.get())
			.computeIfAbsent(second, (key) -> this.register.apply(first, second));
	}

	/**
	 * Visit the meters.
	 * @param action given a first tag's value and its meters by the second
	 */
	void forEach(BiConsumer<String, Map<K, M>> action) {
		this.meters.forEach(action);
	}

}
