package io.messageconsumer.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test started (a {@link RedisServerProcess}, a {@link ServiceProcess}) after the
 * test, last started first: a test's {@code @RegisterExtension} field.
 */
public class CloseAfterEach implements AfterEachCallback {

	private final List<AutoCloseable> started = new ArrayList<>();

	/**
	 * Close this after the test.
	 * @param <T> its type
	 * @param resource what the test started
	 * @return the resource
	 */
	public synchronized <T extends AutoCloseable> T add(T resource) {
		this.started.add(resource);
		return resource;
	}

	@Override
	public synchronized void afterEach(ExtensionContext context) throws Exception {
		try {
			for (int i = this.started.size() - 1; i >= 0; i--) {
				this.started.get(i).close();
			}
		}
		finally {
			this.started.clear();
		}
	}

}
