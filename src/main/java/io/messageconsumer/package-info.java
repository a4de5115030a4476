/**
 * The message-consumer application: its entry point and top-level configuration properties.
 */
package io.messageconsumer;
