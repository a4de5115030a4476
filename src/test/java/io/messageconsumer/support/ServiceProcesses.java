package io.messageconsumer.support;

import java.io.IOException;

/**
 * Starts the service as JVMs of their own ({@link ServiceProcess}) for a test and stops every
 * one after it: a test's {@code @RegisterExtension} field.
 */
public final class ServiceProcesses extends CloseAfterEach {

	/**
	 * Start the service.
	 * @param arguments application arguments, e.g. {@code --consumer.concurrency=1}
	 * @return the running process
	 * @throws IOException when it cannot be started
	 */
	public ServiceProcess start(String... arguments) throws IOException {
		return add(ServiceProcess.start(arguments));
	}

}
