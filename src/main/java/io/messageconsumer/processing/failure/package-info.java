/**
 * What becomes of a message once it is over: the {@link io.messageconsumer.processing.failure.Settlement}
 * acknowledges it, hands it to the dead-letter recoverer, or releases it to its source; and the
 * waits before a failed attempt is retried ({@link io.messageconsumer.processing.failure.RetryBackOff}).
 */
package io.messageconsumer.processing.failure;
