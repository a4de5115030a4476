/**
 * Handler invocation: calling a handler, bounded by the handler timeout; the handler deadlines
 * (timeout, stuck-worker threshold) and the one thread that checks them.
 */
package io.messageconsumer.processing.invoke;
