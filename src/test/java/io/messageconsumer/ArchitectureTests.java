package io.messageconsumer;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the dependency arrows honest: the pipeline and the handler API never know Redis,
 * and the pipeline knows no source.
 */
class ArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.messageconsumer");

	@Test
	void routingAndHandlerApiDoNotDependOnRedis() {
		noClasses().that()
			.resideInAnyPackage("io.messageconsumer.routing..", "io.messageconsumer.handler..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.data.redis..", "io.lettuce..")
			.check(this.classes);
	}

	@Test
	void routingDoesNotDependOnSourcesOrOperations() {
		noClasses().that()
			.resideInAnyPackage("io.messageconsumer.routing..", "io.messageconsumer.handler..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.messageconsumer.source..", "io.messageconsumer.deadletter..",
					"io.messageconsumer.monitoring..", "io.messageconsumer.order..", "io.messageconsumer.notification..")
			.check(this.classes);
	}

	@Test
	void handlerApiDependsOnNothingElseOfTheService() {
		noClasses().that()
			.resideInAPackage("io.messageconsumer.handler..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.messageconsumer.routing..", "io.messageconsumer.source..")
			.check(this.classes);
	}

}
