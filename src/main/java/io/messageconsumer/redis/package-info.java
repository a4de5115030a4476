/**
 * Redis plumbing shared by the sources and the dead-letter writer: client configuration, dedicated connections, Sentinel following, problem descriptions, the reconnect meter, and the batch writer thread.
 */
package io.messageconsumer.redis;
