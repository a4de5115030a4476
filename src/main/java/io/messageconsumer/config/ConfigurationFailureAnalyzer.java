package io.messageconsumer.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reports invalid configuration as one line naming the property, its value and what is wrong,
 * e.g. {@code Invalid configuration: consumer.concurrency=0: must be greater than or equal to 1}.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final String ACTION = "Correct the property named above (environment variable, "
			+ "application.yml or command line) and start again.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		BindValidationException validation = findCause(cause, BindValidationException.class);
		String problem = (validation != null) ? describe(validation) : describe(cause);
		return new FailureAnalysis("Invalid configuration: " + problem, ACTION, cause);
	}

	private static String describe(BindValidationException validation) {
		List<String> problems = new ArrayList<>();
		String prefix = validation.getValidationErrors().getName().toString();
		for (ObjectError error : validation.getValidationErrors()) {
			if (error instanceof FieldError field) {
				String name = prefix + "." + dashed(field.getField());
				problems.add(name + "=" + field.getRejectedValue() + ": " + field.getDefaultMessage());
			}
			else {
				problems.add(prefix + ": " + error.getDefaultMessage());
			}
		}
		return String.join("; ", problems);
	}

	private static String describe(BindException cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		ConfigurationProperty property = cause.getProperty();
		String subject = (property != null) ? property.getName() + "=" + property.getValue() : cause.getName().toString();
		String message = String.valueOf(root.getMessage()).replace('\n', ' ');
		// Our own checks already name the property; Boot's conversion errors need the subject.
		return message.startsWith(cause.getName().toString()) ? message : subject + ": " + message;
	}

	private static String dashed(String field) {
		StringBuilder out = new StringBuilder(field.length() + 4);
		for (char c : field.toCharArray()) {
			if (Character.isUpperCase(c)) {
				out.append('-').append(Character.toLowerCase(c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
