package io.messageconsumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The message-consumer service: consumes JSON messages from Redis and routes them by
 * {@code type} to {@link io.messageconsumer.handler.MessageHandler} beans.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ConsumerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ConsumerApplication.class, args);
	}

}
