package io.messageconsumer.notification;

/**
 * Where notifications are delivered: the log or a webhook.
 */
interface NotificationSink {

	/**
	 * Deliver one notification.
	 * @param notification the notification
	 * @throws Exception when delivery failed; the message is retried
	 */
	void deliver(NotificationMessage notification) throws Exception;

}
