/**
 * Tracing: continues the W3C trace context a message carried as one Micrometer observation per
 * message (a span when Micrometer Tracing is on), and puts the trace id in the log lines written
 * while the message is in scope. Knows messages, not the pipeline that runs them.
 */
package io.messageconsumer.tracing;
