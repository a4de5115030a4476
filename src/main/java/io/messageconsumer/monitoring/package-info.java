/**
 * Operations: the {@code consumer} health indicator, the {@code /actuator/consumer}
 * throughput endpoint, and the consumer's Micrometer meters.
 */
package io.messageconsumer.monitoring;
