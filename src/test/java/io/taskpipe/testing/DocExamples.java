package io.taskpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples the documentation marks for tests, read from the page a reader finds them on.
 *
 * <p>A checked example is the fenced block on the line right after {@code <!-- example: NAME -->}; a checked
 * table is the Markdown table right after a marker line such as {@code <!-- config-table -->}. Each marker
 * must appear exactly once in its page: an example that moves without its marker, or loses it, fails the test
 * that reads it instead of being checked no longer.
 */
public final class DocExamples {

    public static final Path README = Path.of("README.md");
    public static final Path CONTRACT = Path.of("docs/contract.md");
    public static final Path CONFIGURATION = Path.of("docs/configuration.md");

    private static final String FENCE = "```";

    private DocExamples() {
    }

    /** The text of the example {@code name} in {@code doc}: the lines of its fenced block, without the fences. */
    public static String block(Path doc, String name) {
        return fenced(doc, name).text();
    }

    /** The language of the example {@code name}'s fenced block ({@code bash}, {@code json}, {@code java}, ...). */
    public static String language(Path doc, String name) {
        return fenced(doc, name).language();
    }

    /** The rows of the Markdown table on the lines right after the line {@code marker}, header rows included. */
    public static String table(Path doc, String marker) {
        List<String> lines = lines(doc);
        List<String> rows = new ArrayList<>();
        for (int i = markerLine(doc, lines, marker) + 1; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(lines.get(i));
        }
        if (rows.isEmpty()) {
            throw new AssertionError(doc + ": no table right after " + marker);
        }
        return String.join("\n", rows);
    }

    private record Fenced(String language, String text) {
    }

    private static Fenced fenced(Path doc, String name) {
        List<String> lines = lines(doc);
        String marker = "<!-- example: " + name + " -->";
        int open = markerLine(doc, lines, marker) + 1;
        if (open >= lines.size() || !lines.get(open).startsWith(FENCE)) {
            throw new AssertionError(doc + ": " + marker + " is not followed by a fenced block on the next line");
        }
        int close = open + 1;
        while (close < lines.size() && !lines.get(close).equals(FENCE)) {
            close++;
        }
        if (close == lines.size()) {
            throw new AssertionError(doc + ": the fenced block after " + marker + " is never closed");
        }
        return new Fenced(lines.get(open).substring(FENCE.length()).strip(), String.join("\n", lines.subList(open + 1, close)));
    }

    private static int markerLine(Path doc, List<String> lines, String marker) {
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                if (found >= 0) {
                    throw new AssertionError(doc + ": " + marker + " appears more than once (lines " + (found + 1) + " and " + (i + 1) + ")");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new AssertionError(doc + ": no line " + marker);
        }
        return found;
    }

    private static List<String> lines(Path doc) {
        try {
            return Files.readAllLines(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
