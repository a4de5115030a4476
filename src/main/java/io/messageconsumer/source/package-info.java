/**
 * Sources: the Redis features messages are consumed from, each turning deliveries into
 * {@link io.messageconsumer.message.InboundMessage}s for the one pipeline.
 */
package io.messageconsumer.source;
