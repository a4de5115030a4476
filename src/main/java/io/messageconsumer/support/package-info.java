/**
 * Small utilities with no home of their own: log-safe text and periodic summaries.
 */
package io.messageconsumer.support;
