package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.testing.DocExamples;
import io.taskpipe.testing.Pipeline;
import io.taskpipe.testing.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON Schemas agree with the code and with the example tasks and result of the docs. */
class ContractSchemaTest {

    @Test
    void schemaNamesEveryTaskTypeTheBuildHas() throws IOException {
        Set<String> inSchema = new TreeSet<>();
        Pipeline.JSON.readTree(Path.of("src/main/resources/META-INF/resources/schema/task-v1.json").toFile())
                .at("/properties/type/enum").forEach(t -> inSchema.add(t.asText()));
        Set<String> handlers = new TreeSet<>();
        try (var files = Files.walk(Path.of("src/main/java/io/taskpipe/tasks"))) {
            // a handler names its type first in its call to the TaskHandler constructor: super("file.hash", Lane.IO, ...)
            Pattern type = Pattern.compile("\\bsuper\\(\\s*\"([^\"]+)\"");
            for (Path file : files.filter(f -> f.toString().endsWith("Task.java")).toList()) {
                Matcher m = type.matcher(Files.readString(file));
                if (m.find() && !m.group(1).startsWith("test.")) { // test.* types are not part of the contract
                    handlers.add(m.group(1));
                }
            }
        }
        assertThat(inSchema).isEqualTo(handlers).hasSize(8);
    }

    @Test
    void everyExampleTaskAndResultIsValid() throws IOException {
        JsonNode demo = Pipeline.JSON.readTree(ReadmeExamplesIT.submitAllBody());
        demo.forEach(task -> Schemas.assertValid(Schemas.TASK, task));
        String contractExample = DocExamples.block(DocExamples.CONTRACT, "task");
        Schemas.assertValid(Schemas.TASK, Pipeline.JSON.readTree(contractExample));
        String resultExample = DocExamples.block(DocExamples.README, "result");
        Schemas.assertValid(Schemas.RESULT, Pipeline.JSON.readTree(resultExample));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"io.sleep\",\"params\":{\"millis\":1}}",
            "{\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":-1}}",
            "{\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":1,\"x\":1}}",
            "{\"id\":\"t\",\"type\":\"io.nap\"}",
            "{\"id\":\"t\",\"type\":\"compute.thumbnail\",\"params\":{\"path\":\"a.png\"}}",
            "{\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":1},\"colour\":\"red\"}"})
    void schemaRejectsWhatTheDecoderRejects(String task) throws IOException {
        assertThat(Schemas.violations(Schemas.TASK, Pipeline.JSON.readTree(task))).isNotEmpty();
    }
}
