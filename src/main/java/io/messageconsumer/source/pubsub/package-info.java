/**
 * The Redis pub/sub source: SUBSCRIBE and PSUBSCRIBE through Spring Boot's listener container,
 * and a server-side check that the subscriptions are really held.
 */
package io.messageconsumer.source.pubsub;
