package io.messageconsumer.support;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Autowired;

import static org.awaitility.Awaitility.await;

/**
 * The base of a contract suite: tests written once against a {@link Source}, run by one concrete
 * class per source, which returns its source and configures the service (with
 * {@code @TestPropertySource}) to consume the logical channels the contract publishes to.
 */
public abstract class SourceContract {

	/** The service under test. */
	@Autowired
	protected ServiceUnderTest service;

	/**
	 * The source under test.
	 * @return the source
	 */
	protected abstract Source source();

	/**
	 * Publish a message to a logical channel of the source.
	 * @param name the logical channel, e.g. {@code orders}
	 * @param message the message
	 */
	protected void publish(String name, String message) {
		source().publish(this.service.redis(), name, message);
	}

	/**
	 * Wait (10 s at most) until what was published to a logical channel counts as delivered.
	 * @param name the logical channel, e.g. {@code orders}
	 */
	protected void awaitSettled(String name) {
		await().atMost(Duration.ofSeconds(10)).until(() -> source().settled(this.service.redis(), name));
	}

}
