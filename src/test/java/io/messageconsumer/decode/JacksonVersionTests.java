package io.messageconsumer.decode;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.Version;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Jackson 3 on the class path has the fix for CVE-2026-29062 (max nesting depth not
 * validated for {@code DataInput}-backed parsers), fixed in jackson-core 3.1.0 and pinned in the
 * pom ({@code jackson-bom.version}).
 */
class JacksonVersionTests {

	private static final Version FIXED = new Version(3, 1, 0, null, "tools.jackson.core", "jackson-core");

	@Test
	void jacksonCoreIsAtLeastTheReleaseThatFixedCve202629062() {
		Version core = tools.jackson.core.json.PackageVersion.VERSION;
		assertThat(core.getGroupId()).isEqualTo(FIXED.getGroupId());
		assertThat(core.getArtifactId()).isEqualTo(FIXED.getArtifactId());
		assertThat(core.compareTo(FIXED)).as("jackson-core %s must be %s or later", core, FIXED)
			.isGreaterThanOrEqualTo(0);
	}

	@Test
	void jacksonDatabindMatchesJacksonCore() {
		Version databind = tools.jackson.databind.cfg.PackageVersion.VERSION;
		Version core = tools.jackson.core.json.PackageVersion.VERSION;
		assertThat(databind.getMajorVersion()).isEqualTo(core.getMajorVersion());
		assertThat(databind.getMinorVersion()).isEqualTo(core.getMinorVersion());
	}

	@Test
	void dataInputParserEnforcesTheNestingLimit() {
		// The CVE itself: a DataInput-backed parser ignored maxNestingDepth before 3.1.0.
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MessageJson.MAX_NESTING_DEPTH).build())
			.build();
		assertThatExceptionOfType(StreamConstraintsException.class)
			.isThrownBy(() -> readAll(JsonMapper.builder(factory).build(), deeperThanTheLimit()))
			.withMessageContaining("nesting depth");
	}

	@Test
	void messageMapperRefusesDataInputAltogether() {
		// With a document length limit Jackson cannot enforce on a DataInput, it refuses such parsers.
		assertThatExceptionOfType(StreamConstraintsException.class)
			.isThrownBy(() -> readAll(MessageJson.create(65_536), "{}".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("DataInput");
	}

	private static byte[] deeperThanTheLimit() {
		int depth = MessageJson.MAX_NESTING_DEPTH + 1;
		return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
	}

	private static void readAll(JsonMapper mapper, byte[] json) {
		try (JsonParser parser = mapper.createParser((DataInput) new DataInputStream(new ByteArrayInputStream(json)))) {
			while (parser.nextToken() != null) {
				// read to the end
			}
		}
	}

}
