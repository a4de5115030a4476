/**
 * Decoding: bytes to an envelope (type, id, time, sequence, payload) under explicit parser limits, routing by type to a handler, and binding the payload to the handler's record. Nothing here knows Redis.
 */
package io.messageconsumer.decode;
