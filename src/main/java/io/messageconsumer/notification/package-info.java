/**
 * The built-in {@code notification} message type and its sinks: the log and a webhook.
 */
package io.messageconsumer.notification;
