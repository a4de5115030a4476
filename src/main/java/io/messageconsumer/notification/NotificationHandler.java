package io.messageconsumer.notification;

import io.messageconsumer.handler.HandlerResult;
import io.messageconsumer.handler.MessageContext;
import io.messageconsumer.handler.MessageHandler;

/**
 * Handles {@code notification} messages: delivers each to the configured sink.
 */
class NotificationHandler implements MessageHandler<NotificationMessage> {

	private final NotificationSink sink;

	NotificationHandler(NotificationSink sink) {
		this.sink = sink;
	}

	@Override
	public String type() {
		return "notification";
	}

	@Override
	public Class<NotificationMessage> payloadType() {
		return NotificationMessage.class;
	}

	@Override
	public HandlerResult handle(NotificationMessage notification, MessageContext context) throws Exception {
		this.sink.deliver(notification);
		return HandlerResult.PROCESSED;
	}

}
