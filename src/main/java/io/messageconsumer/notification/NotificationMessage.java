package io.messageconsumer.notification;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The payload of a {@code notification} message.
 *
 * @param message the text: non-blank, at most 10,000 characters
 * @param id the notification id, optional
 * @param recipient who it is for, optional
 * @param channel how to deliver it (e.g. {@code email}), optional
 */
public record NotificationMessage(@NotBlank @Size(max = 10_000) String message, @Size(max = 256) String id,
		@Size(max = 256) String recipient, @Size(max = 64) String channel) {
}
