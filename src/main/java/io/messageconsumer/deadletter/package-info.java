/**
 * The dead-letter stream: where rejected and failed messages go, with their reason.
 */
package io.messageconsumer.deadletter;
