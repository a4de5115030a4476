/**
 * The Redis pub/sub source: SUBSCRIBE and PSUBSCRIBE through Spring Boot's listener container,
 * a server-side check that the subscriptions are really held, and, with Sentinel, a prompt move
 * to the master it names after a failover.
 */
package io.messageconsumer.source.pubsub;
