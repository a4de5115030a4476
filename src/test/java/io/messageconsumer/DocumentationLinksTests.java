package io.messageconsumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in {@code README.md}, {@code BENCHMARKS.md} and {@code docs/*.md} resolves
 * to a file inside the repository, and every {@code #anchor} to a heading of its target (GitHub's
 * slug rules), so a clone is complete on its own; nothing links or refers to {@code ../shared}.
 * <p>
 * Links in code (fenced blocks, lines indented by four spaces or more, inline code spans) and
 * links with a scheme ({@code https:}, {@code mailto:}) are not checked.
 */
class DocumentationLinksTests {

	private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	private static final Path ROOT = Path.of("").toAbsolutePath().normalize();

	@Test
	void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
		List<String> problems = new ArrayList<>();
		for (Path document : documents()) {
			problems.addAll(problems(document));
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void theDocumentsAreThereAndLinkToEachOther() throws IOException {
		assertThat(documents()).contains(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md"),
				ROOT.resolve("docs/reference.md"));
		String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
		try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
			pages.filter((page) -> page.toString().endsWith(".md"))
				.forEach((page) -> assertThat(readme).as("README links %s", page.getFileName())
					.contains("](docs/" + page.getFileName() + ")"));
		}
	}

	@Test
	void reportsAMissingFileAMissingAnchorAndALinkOutsideTheRepository() throws IOException {
		Path dir = Files.createTempDirectory(Files.createDirectories(ROOT.resolve("target")), "links");
		Path page = dir.resolve("page.md");
		Files.writeString(dir.resolve("other.md"), "# Other page\n\n## Delivery semantics (pub/sub)\n");
		Files.writeString(page, String.join("\n", "# Page", "", "## `consumer.mode` and more", "",
				"[ok](other.md#delivery-semantics-pubsub) [ok](#consumermode-and-more) [ok](https://example.com/x)",
				"[missing](nowhere.md) [anchor](other.md#no-such-heading) [spec](../../shared/SPEC.md)",
				"`[in code](nowhere.md)`", "", "    [indented code](nowhere.md)", ""));
		try {
			List<String> problems = problems(page);
			assertThat(problems).hasSize(4);
			assertThat(problems.get(0)).contains("refers to ../shared");
			assertThat(problems.get(1)).contains("nowhere.md").contains("no such file");
			assertThat(problems.get(2)).contains("#no-such-heading");
			assertThat(problems.get(3)).contains("links ../shared");
		}
		finally {
			Files.delete(page);
			Files.delete(dir.resolve("other.md"));
			Files.delete(dir);
		}
	}

	@Test
	void slugsFollowGitHub() {
		assertThat(slug("Delivery semantics (pub/sub)")).isEqualTo("delivery-semantics-pubsub");
		assertThat(slug("Redis connection (Spring Boot's own)")).isEqualTo("redis-connection-spring-boots-own");
		assertThat(slug("Wrong password, missing ACL grant, untrusted TLS certificate"))
			.isEqualTo("wrong-password-missing-acl-grant-untrusted-tls-certificate");
		assertThat(slug("`consumer.mode` and [a link](x.md)")).isEqualTo("consumermode-and-a-link");
		assertThat(slug("Stream mode and scale-out (scenario d)")).isEqualTo("stream-mode-and-scale-out-scenario-d");
	}

	private static List<Path> documents() throws IOException {
		List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md")));
		try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
			pages.filter((page) -> page.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		return documents;
	}

	private static List<String> problems(Path document) throws IOException {
		String text = Files.readString(document, StandardCharsets.UTF_8);
		List<String> problems = new ArrayList<>();
		if (text.contains("../shared")) {
			problems.add(name(document) + ": refers to ../shared, which a clone does not have");
		}
		int lineNumber = 0;
		for (String line : prose(text)) {
			lineNumber++;
			if (line == null) {
				continue;
			}
			Matcher link = LINK.matcher(line);
			while (link.find()) {
				String problem = problem(document, link.group(1));
				if (problem != null) {
					problems.add(name(document) + ":" + lineNumber + ": " + link.group(1) + ": " + problem);
				}
			}
		}
		return problems;
	}

	private static String problem(Path document, String target) throws IOException {
		if (target.contains("../shared")) {
			return "links ../shared, which a clone does not have";
		}
		if (SCHEME.matcher(target).find()) {
			return null;
		}
		int hash = target.indexOf('#');
		String file = (hash >= 0) ? target.substring(0, hash) : target;
		String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
		Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
		if (!resolved.startsWith(ROOT)) {
			return "outside the repository";
		}
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
				&& !anchors(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)) {
			return "no heading #" + anchor + " in " + name(resolved);
		}
		return null;
	}

	/** The lines of a document, with code blocks as {@code null} and inline code spans removed. */
	private static List<String> prose(String text) {
		List<String> lines = new ArrayList<>();
		boolean fenced = false;
		for (String line : text.split("\n", -1)) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
				lines.add(null);
			}
			else if (fenced || line.startsWith("    ") || line.startsWith("\t")) {
				lines.add(null);
			}
			else {
				lines.add(line.replaceAll("`[^`]*`", "``"));
			}
		}
		return lines;
	}

	private static Set<String> anchors(String text) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean fenced = false;
		for (String line : text.split("\n", -1)) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			Matcher heading = HEADING.matcher(line);
			if (!fenced && heading.matches()) {
				String slug = slug(heading.group(2));
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
		}
		return anchors;
	}

	/** GitHub's heading anchor: link text kept, lower case, punctuation dropped, spaces to hyphens. */
	static String slug(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
		return text.replaceAll("[^\\p{L}\\p{N}\\p{Mn}\\p{Pc} -]", "").replace(' ', '-');
	}

	private static String name(Path path) {
		return ROOT.relativize(path).toString();
	}

}
