/**
 * The transport-independent pipeline: decoding, routing by type, binding and validation,
 * handler invocation with its decorators, and the bounded stage that feeds the workers.
 * Nothing here knows Redis.
 */
package io.messageconsumer.routing;
