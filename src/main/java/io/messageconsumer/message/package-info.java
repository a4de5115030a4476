/**
 * What the service knows of one message: the inbound message as a source hands it over, its envelope, its outcome, disposition and dead-letter reason, and the acknowledgement its source expects. Nothing here knows Redis.
 */
package io.messageconsumer.message;
