package io.taskpipe;

import io.taskpipe.acl.AclsCommand;
import io.taskpipe.acl.KafkaAcls;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.testing.ConfigurationTable;
import io.taskpipe.testing.DocExamples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs cannot drift from the code or from each other: the configuration table, the contract's Java
 * example and the Kafka ACL commands are checked here, each read from the page it is on through {@link DocExamples}, and every relative
 * link between the pages must lead somewhere.
 */
class DocsTest {

    /**
     * The table is generated from the config mapping's sources; run with {@code -Dtaskpipe.docs.update=true}
     * to write the generated table into the page.
     */
    @Test
    void configurationTableIsTheOneGeneratedFromTheConfigMapping() throws IOException {
        String generated = ConfigurationTable.markdown();
        String documented = DocExamples.table(DocExamples.CONFIGURATION, "<!-- config-table -->");
        if (Boolean.getBoolean("taskpipe.docs.update") && !generated.equals(documented)) {
            String page = Files.readString(DocExamples.CONFIGURATION);
            Files.writeString(DocExamples.CONFIGURATION, page.replace(documented, generated));
            documented = generated;
        }
        assertThat(documented).as("docs/configuration.md's table; regenerate it with ./mvnw test -Dtest=DocsTest -Dtaskpipe.docs.update=true")
                .isEqualTo(generated);
    }

    @Test
    void everyErrorCodeIsDocumentedOnce() {
        String table = DocExamples.table(DocExamples.CONTRACT, "<!-- error-codes -->");
        List<String> documented = new ArrayList<>();
        Matcher code = Pattern.compile("^\\| `([A-Z_]+)` \\|", Pattern.MULTILINE).matcher(table);
        while (code.find()) {
            documented.add(code.group(1));
        }
        assertThat(documented).containsExactlyInAnyOrder(Arrays.stream(ErrorCode.values()).map(Enum::name).toArray(String[]::new));
    }

    @Test
    void javaExampleIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/taskpipe/examples/PublishTaskExample.java"));
        String compiled = source.split("// example:start\n")[1].split("\n\\s*// example:end")[0];
        assertThat(DocExamples.language(DocExamples.CONTRACT, "publish-java")).isEqualTo("java");
        assertThat(DocExamples.block(DocExamples.CONTRACT, "publish-java")).isEqualTo(compiled.stripIndent().strip());
    }

    @Test
    void kafkaAclListingIsTheCommandsOutput() {
        assertThat(DocExamples.block(Path.of("docs/security.md"), "kafka-acls"))
                .as("docs/security.md's kafka-acls.sh commands, as AclsCommand prints them")
                .isEqualTo(AclsCommand.script(KafkaAcls.Names.DEFAULTS));
    }

    /** The README, the pages under docs/ and the READMEs next to the deployment and load-test files. */
    private static final List<Path> PAGES = List.of(DocExamples.README, Path.of("docs"), Path.of("compose/README.md"),
            Path.of("k8s/README.md"), Path.of("load-tests/README.md"));

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void relativeLinksLeadToFilesAndHeadingsThatExist() throws IOException {
        List<Path> pages = new ArrayList<>();
        for (Path page : PAGES) {
            if (Files.isDirectory(page)) {
                try (var files = Files.list(page)) {
                    files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
                }
            } else {
                pages.add(page);
            }
        }
        assertThat(pages).contains(DocExamples.CONTRACT, DocExamples.CONFIGURATION);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            Matcher link = LINK.matcher(outsideCodeBlocks(Files.readString(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: ...
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no " + resolved + ")");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading in " + resolved + ")");
                }
            }
        }
        assertThat(broken).as("broken links among %d relative links", checked).isEmpty();
        assertThat(checked).isGreaterThan(50);
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : outsideCodeBlocks(Files.readString(page)).split("\n")) {
            if (line.matches("#{1,6} .*")) {
                String slug = line.replaceFirst("#+ ", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}\\p{M}_ -]", "").replace(' ', '-');
                int repeat = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
        }
        return anchors;
    }

    /** The page with its fenced blocks blanked, so a shell comment is no heading and code is no link. */
    private static String outsideCodeBlocks(String page) {
        StringBuilder out = new StringBuilder();
        boolean inBlock = false;
        for (String line : page.split("\n", -1)) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
            } else if (!inBlock) {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
