/**
 * Background writers that batch what callers hand them, so no caller waits for Redis.
 */
package io.messageconsumer.batch;
