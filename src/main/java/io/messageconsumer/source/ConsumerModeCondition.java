package io.messageconsumer.source;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.messageconsumer.config.ConsumerProperties.Mode;

/**
 * Matches when {@code consumer.mode} includes a source, bound the way the properties are (so
 * {@code STREAM} and {@code stream} both work); an invalid mode matches nothing and fails
 * start-up when the properties bind.
 */
public abstract class ConsumerModeCondition implements Condition {

	private final Mode source;

	ConsumerModeCondition(Mode source) {
		this.source = source;
	}

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Mode mode;
		try {
			mode = Binder.get(context.getEnvironment()).bind("consumer.mode", Mode.class).orElse(Mode.PUBSUB);
		}
		catch (RuntimeException ex) {
			return false;
		}
		return mode == this.source || mode == Mode.BOTH;
	}

	/** {@code consumer.mode} is {@code pubsub} (the default) or {@code both}. */
	public static final class PubSub extends ConsumerModeCondition {

		PubSub() {
			super(Mode.PUBSUB);
		}

	}

	/** {@code consumer.mode} is {@code stream} or {@code both}. */
	public static final class Stream extends ConsumerModeCondition {

		Stream() {
			super(Mode.STREAM);
		}

	}

}
