/**
 * Handler invocation: calling a handler, bounded by the handler timeout.
 */
package io.messageconsumer.processing.invoke;
