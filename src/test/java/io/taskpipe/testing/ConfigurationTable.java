package io.taskpipe.testing;

import io.taskpipe.config.TaskpipeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every {@code taskpipe.*} setting, read from the config mapping: keys from its structure (as SmallRye
 * names them, kebab case), defaults from {@code @WithDefault} (or a computed default's "Default: ..."
 * sentence), meanings from the Javadoc. {@code docs/configuration.md}'s table is generated from it, so the
 * only place a default is written is beside its setting.
 */
public final class ConfigurationTable {

    /** One setting: its key ({@code ."<type>"} ends the key of a map), default and meaning, as Markdown. */
    public record Setting(String key, boolean map, String defaultText, String meaning) {
    }

    private static final Path SOURCES = Path.of("src/main/java/io/taskpipe/config");
    private static final Pattern METHOD = Pattern.compile(
            "(?:/\\*\\*(?<doc>(?:(?!\\*/).)*)\\*/\\s*)?(?<annotations>(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*)[\\w.<>, ?]+\\s+(?<name>\\w+)\\(\\);",
            Pattern.DOTALL);
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)");
    private static final Pattern COMPUTED_DEFAULT = Pattern.compile("\\s*Default: ([^.]*(?:\\.\\d[^.]*)*)\\.");

    private ConfigurationTable() {
    }

    /** Every setting, in the order the sources declare them. */
    public static List<Setting> settings() {
        List<Setting> settings = new ArrayList<>();
        walk(TaskpipeConfig.class, "taskpipe", settings);
        return settings;
    }

    /** The table as Markdown: a header and one row per setting. */
    public static String markdown() {
        List<String> rows = new ArrayList<>(List.of("| key | default | meaning |", "|---|---|---|"));
        settings().forEach(s -> rows.add("| `" + s.key() + (s.map() ? ".\"<type>\"" : "") + "` | " + s.defaultText() + " | " + s.meaning() + " |"));
        return String.join("\n", rows);
    }

    private static void walk(Class<?> group, String prefix, List<Setting> settings) {
        for (Map.Entry<String, Declared> entry : declared(group).entrySet()) {
            Method method;
            try {
                method = group.getMethod(entry.getKey());
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
            String key = entry.getValue().annotations().contains("@WithParentName") ? prefix : prefix + "." + kebab(entry.getKey());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getPackageName().equals(TaskpipeConfig.class.getPackageName())) {
                walk(type, key, settings);
            } else {
                settings.add(new Setting(key, type == Map.class, entry.getValue().defaultText(), entry.getValue().meaning()));
            }
        }
    }

    private record Declared(String doc, String annotations) {

        String defaultText() {
            Matcher declared = WITH_DEFAULT.matcher(annotations);
            if (declared.find()) {
                return "`" + declared.group(1) + "`";
            }
            Matcher computed = COMPUTED_DEFAULT.matcher(doc);
            return computed.find() ? computed.group(1) : "none";
        }

        String meaning() {
            return COMPUTED_DEFAULT.matcher(doc).replaceAll("").replace("|", "\\|").strip();
        }
    }

    /** The methods a config interface's own source declares, in order, with their Javadoc and annotations. */
    private static Map<String, Declared> declared(Class<?> group) {
        String source;
        try {
            source = Files.readString(SOURCES.resolve(group.getSimpleName() + ".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Declared> methods = new LinkedHashMap<>();
        String body = source.substring(source.indexOf('{', source.indexOf("interface " + group.getSimpleName())));
        Matcher method = METHOD.matcher(body);
        while (method.find()) {
            methods.put(method.group("name"), new Declared(plain(method.group("doc")), method.group("annotations")));
        }
        return methods;
    }

    /** Javadoc as one line of Markdown. */
    private static String plain(String doc) {
        if (doc == null) {
            return "";
        }
        String text = Arrays.stream(doc.split("\n")).map(line -> line.replaceFirst("^\\s*\\*\\s?", "")).collect(Collectors.joining(" "));
        return text.replaceAll("\\{@code ((?:[^{}]|\\{[^{}]*})*)}", "`$1`").replaceAll("\\{@link ([^}]*)}", "$1").replaceAll("\\s+", " ").strip();
    }

    private static String kebab(String camel) {
        return Arrays.stream(camel.split("(?=[A-Z])")).map(word -> word.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining("-"));
    }
}
