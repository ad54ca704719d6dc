package io.taskpipe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The published JSON Schemas of the contract, for checking real records against them. */
public final class Schemas {

    public static final JsonSchema TASK = load("task-v1.json");
    public static final JsonSchema RESULT = load("result-v1.json");

    private Schemas() {
    }

    public static void assertValid(JsonSchema schema, JsonNode node) {
        Set<ValidationMessage> errors = schema.validate(node);
        assertThat(errors.stream().map(ValidationMessage::getMessage).collect(Collectors.toSet()))
                .as("schema violations of %s", node).isEmpty();
    }

    public static Set<ValidationMessage> violations(JsonSchema schema, JsonNode node) {
        return schema.validate(node);
    }

    private static JsonSchema load(String name) {
        Path path = Path.of("src/main/resources/META-INF/resources/schema", name);
        try (InputStream in = Files.newInputStream(path)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
