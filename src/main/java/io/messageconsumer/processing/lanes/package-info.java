/**
 * Lanes: the one entry of the pipeline ({@link io.messageconsumer.processing.lanes.MessageDispatcher}) and the bounded, keyed stage between a source and the workers; per-key order, retries held aside, batches, and the drain at shutdown.
 */
package io.messageconsumer.processing.lanes;
