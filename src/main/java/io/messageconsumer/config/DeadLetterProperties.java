package io.messageconsumer.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Dead-letter stream settings, bound from {@code consumer.dead-letter.*}.
 *
 * @param stream stream key
 * @param maxLength approximate MAXLEN of the stream
 * @param replayEnabled expose the {@code deadletters} Actuator endpoint that lists and replays entries
 * @param bufferSize bytes of dead letters held while they wait to be written (payloads plus a fixed
 * allowance per entry); a burst that overflows the lanes waits here, not in a count-bounded queue
 */
public record DeadLetterProperties(@DefaultValue("consumer:dead-letter") @NotBlank String stream,
		@DefaultValue("100000") @Min(1) long maxLength, @DefaultValue("false") boolean replayEnabled,
		@DefaultValue("64MB") @NotNull DataSize bufferSize) {
}
