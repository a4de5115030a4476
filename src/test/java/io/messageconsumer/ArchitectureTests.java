package io.messageconsumer;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the dependency arrows honest: the core (messages, decoding, processing) and the handler
 * API never know Redis or a source, and no two packages depend on each other.
 */
class ArchitectureTests {

	private static final String[] CORE = { "io.messageconsumer.message..", "io.messageconsumer.decode..",
			"io.messageconsumer.processing..", "io.messageconsumer.handler.." };

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.messageconsumer");

	@Test
	void coreAndHandlerApiDoNotDependOnRedis() {
		noClasses().that()
			.resideInAnyPackage(CORE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.data.redis..", "io.lettuce..", "io.messageconsumer.redis..")
			.check(this.classes);
	}

	@Test
	void coreDoesNotDependOnSourcesOrOperations() {
		noClasses().that()
			.resideInAnyPackage(CORE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.messageconsumer.source..", "io.messageconsumer.deadletter..",
					"io.messageconsumer.monitoring..", "io.messageconsumer.order..", "io.messageconsumer.notification..",
					"io.messageconsumer.config..")
			.check(this.classes);
	}

	@Test
	void handlerApiDependsOnNothingElseOfTheService() {
		classes().that()
			.resideInAPackage("io.messageconsumer.handler..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("io.messageconsumer.handler..", "java..")
			.check(this.classes);
	}

	@Test
	void tracingKnowsMessagesNotThePipeline() {
		// Processing starts and ends a message's trace; tracing only reads the message and its outcome.
		classes().that()
			.resideInAPackage("io.messageconsumer.tracing..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("io.messageconsumer.tracing..", "io.messageconsumer.message..", "java..",
					"io.micrometer.observation..", "org.slf4j..", "org.springframework.context.annotation..",
					"org.springframework.boot.autoconfigure.condition..")
			.check(this.classes);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.messageconsumer.(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void onlyTheProcessingReachesItsStages() {
		// Sources and replays hand a message to the dispatcher; they cannot run a stage themselves.
		noClasses().that()
			.resideOutsideOfPackage("io.messageconsumer.processing..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("io.messageconsumer.processing.lanes.Stages")
			.check(this.classes);
	}

	@Test
	void onlyTheApplicationsWiringLivesInTheRootPackage() {
		noClasses().that()
			.resideOutsideOfPackage("io.messageconsumer")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.messageconsumer")
			.check(this.classes);
	}

}
