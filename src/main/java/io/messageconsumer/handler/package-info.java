/**
 * The API a handler author touches: {@link io.messageconsumer.handler.MessageHandler},
 * {@link io.messageconsumer.handler.MessageContext} and
 * {@link io.messageconsumer.handler.HandlerResult}.
 */
package io.messageconsumer.handler;
