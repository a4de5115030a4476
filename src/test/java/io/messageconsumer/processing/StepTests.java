package io.messageconsumer.processing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Step#chain}: steps run in the order given, each around the ones after it; a
 * step that does not call {@code next} ends the chain, one that throws ends it with the exception.
 */
class StepTests {

	private final List<String> calls = new ArrayList<>();

	@Test
	void runsTheStepsInOrderEachAroundTheRest() throws Exception {
		Step.chain(recording("a"), recording("b"), recording("c")).proceed(this.calls);
		assertThat(this.calls).containsExactly("a>", "b>", "c>", "<c", "<b", "<a");
	}

	@Test
	void aStepThatDoesNotCallNextEndsTheChain() throws Exception {
		Step<List<String>> stop = (work, next) -> work.add("stop");
		Step.chain(recording("a"), stop, recording("c")).proceed(this.calls);
		assertThat(this.calls).containsExactly("a>", "stop", "<a");
	}

	@Test
	void aStepThatThrowsEndsTheChainWithItsException() {
		Step<List<String>> failing = (work, next) -> {
			throw new IllegalStateException("rejected");
		};
		assertThatIllegalStateException()
			.isThrownBy(() -> Step.chain(recording("a"), failing, recording("c")).proceed(this.calls))
			.withMessage("rejected");
		assertThat(this.calls).containsExactly("a>");
	}

	@Test
	void anEmptyChainDoesNothing() throws Exception {
		Step.<List<String>>chain().proceed(this.calls);
		assertThat(this.calls).isEmpty();
	}

	private static Step<List<String>> recording(String name) {
		return (work, next) -> {
			work.add(name + ">");
			next.proceed(work);
			work.add("<" + name);
		};
	}

}
