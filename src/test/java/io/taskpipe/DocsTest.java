package io.taskpipe;

import io.smallrye.config.WithName;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.testing.DocExamples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs cannot drift from the code: the configuration table and the contract's Java example are checked here,
 * each read from the page it is on through {@link DocExamples}.
 */
class DocsTest {

    @Test
    void configurationTableListsExactlyTheKeysOfTheConfigMapping() throws IOException {
        Set<String> documented = new TreeSet<>();
        String table = DocExamples.table(DocExamples.CONFIGURATION, "<!-- config-table -->");
        Matcher key = Pattern.compile("^\\| `(taskpipe\\.[^`]+)` \\|", Pattern.MULTILINE).matcher(table);
        while (key.find()) {
            documented.add(key.group(1));
        }
        Set<String> declared = new TreeSet<>();
        collectKeys(TaskpipeConfig.class, "taskpipe", declared);
        assertThat(documented).isEqualTo(declared);
    }

    /** Walks a {@code @ConfigMapping} interface the way SmallRye names its properties (kebab-case, {@code @WithName}). */
    private static void collectKeys(Class<?> group, String prefix, Set<String> keys) {
        for (Method method : group.getDeclaredMethods()) {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == TaskpipeConfig.class) {
                collectKeys(type, name, keys);
            } else if (type == Map.class) {
                keys.add(name + ".\"<" + (method.getGenericReturnType() instanceof ParameterizedType ? "type" : "key") + ">\"");
            } else {
                keys.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return Arrays.stream(camel.split("(?=[A-Z])")).map(String::toLowerCase).collect(Collectors.joining("-"));
    }

    @Test
    void javaExampleIsTheCompiledOne() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/taskpipe/examples/PublishTaskExample.java"));
        String compiled = source.split("// example:start\n")[1].split("\n\\s*// example:end")[0];
        assertThat(DocExamples.language(DocExamples.CONTRACT, "publish-java")).isEqualTo("java");
        assertThat(DocExamples.block(DocExamples.CONTRACT, "publish-java")).isEqualTo(compiled.stripIndent().strip());
    }
}
