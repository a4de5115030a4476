/**
 * Configuration: the {@code consumer.*} properties, validated at start-up, this instance's identity on Redis, and the one-line report of a bad configuration.
 */
package io.messageconsumer.config;
