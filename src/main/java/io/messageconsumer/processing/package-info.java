/**
 * Processing: runs a message from receipt to outcome (decode, route, bind, invoke, retry, settle) and tells the outcome listeners. Nothing here knows Redis or a source.
 */
package io.messageconsumer.processing;
