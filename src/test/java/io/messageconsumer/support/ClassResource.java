package io.messageconsumer.support;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something a test class starts on first use and closes after its last test, e.g. a Redis
 * Cluster or Sentinel set-up: a static {@code @RegisterExtension} field, also of an abstract
 * base class, where each concrete class gets one of its own (test classes run one after the
 * other). Its first use is usually a {@code @DynamicPropertySource} supplier, as the context
 * loads.
 *
 * @param <T> the resource
 */
public final class ClassResource<T extends AutoCloseable> implements AfterAllCallback {

	private final Supplier<T> factory;

	private T resource;

	/**
	 * A resource made by a factory on first use.
	 * @param factory starts the resource
	 */
	public ClassResource(Supplier<T> factory) {
		this.factory = factory;
	}

	/**
	 * The running test class's resource, started on first use.
	 * @return the resource
	 */
	public synchronized T get() {
		if (this.resource == null) {
			this.resource = this.factory.get();
		}
		return this.resource;
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) throws Exception {
		if (this.resource != null) {
			try {
				this.resource.close();
			}
			finally {
				this.resource = null;
			}
		}
	}

}
