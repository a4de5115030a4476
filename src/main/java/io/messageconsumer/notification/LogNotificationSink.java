package io.messageconsumer.notification;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.messageconsumer.support.LogText;

/**
 * Delivers each notification as one structured log line; message text is truncated and escaped.
 */
class LogNotificationSink implements NotificationSink {

	private static final Log logger = LogFactory.getLog("io.messageconsumer.notification.delivered");

	@Override
	public void deliver(NotificationMessage notification) {
		logger.info("notification id=" + LogText.safe(notification.id(), 128) + " recipient="
				+ LogText.safe(notification.recipient(), 128) + " channel=" + LogText.safe(notification.channel(), 64)
				+ " message=\"" + LogText.safe(notification.message()) + "\"");
	}

}
