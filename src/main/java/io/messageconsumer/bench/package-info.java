/**
 * The no-op {@code bench} message type the benchmark ({@code bench/}) measures the pipeline
 * with; active only with the {@code bench} profile.
 */
package io.messageconsumer.bench;
