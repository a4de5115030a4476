/**
 * The built-in {@code order} message type: idempotent storage of orders in Redis hashes.
 */
package io.messageconsumer.order;
