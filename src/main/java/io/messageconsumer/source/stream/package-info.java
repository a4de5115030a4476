/**
 * The stream source: Redis Streams consumer groups, read with {@code XREADGROUP} and
 * acknowledged with {@code XACK} only once each entry's outcome is recorded (at least once).
 */
package io.messageconsumer.source.stream;
