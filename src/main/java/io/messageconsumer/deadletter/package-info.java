/**
 * The dead-letter stream: where rejected and failed messages go, with their reason, and the
 * opt-in {@code deadletters} endpoint that lists and replays them.
 */
package io.messageconsumer.deadletter;
