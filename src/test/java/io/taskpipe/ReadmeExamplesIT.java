package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.taskpipe.examples.PublishTaskExample;
import io.taskpipe.testing.DocExamples;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import io.taskpipe.testing.Schemas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's examples and the Java example of docs/contract.md, run as written (only the address of taskpipe's
 * HTTP port is the test's).
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class ReadmeExamplesIT {

    /** The JSON array of the README's "submit one task of each type" request. */
    static String submitAllBody() {
        assertThat(DocExamples.language(DocExamples.README, "submit-all")).isEqualTo("bash");
        String block = DocExamples.block(DocExamples.README, "submit-all");
        return block.substring(block.indexOf("-d '") + 4, block.lastIndexOf('\''));
    }

    @Test
    void everyTaskOfTheTryItSectionSucceeds() throws IOException {
        for (String file : List.of("hello.txt", "lighthouse.png")) {
            Files.copy(Path.of("data", file), KafkaBroker.filesDir().resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        // the test's url.fetch may reach 127.0.0.2 only (see application.properties): where taskpipe listens too
        String body = submitAllBody().replace("localhost:8080", "127.0.0.2:" + RestAssured.port);
        List<String> ids = new ArrayList<>();
        Pipeline.JSON.readTree(body).forEach(task -> ids.add(task.get("id").asText()));
        assertThat(ids).hasSize(8);

        given().contentType(ContentType.JSON).body(body).post("/tasks").then().statusCode(202);

        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().get("/tasks/{id}", id).then().statusCode(200));
            JsonNode result = Pipeline.JSON.readTree(given().get("/tasks/{id}", id).asByteArray());
            assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
            Schemas.assertValid(Schemas.RESULT, result);
            TaskTypesIT.assertTimingComplete(result.get("timing"));
        }
    }

    @Test
    void theJavaExamplePublishesATaskThatSucceeds() throws Exception {
        String id = "java-example-" + UUID.randomUUID();
        PublishTaskExample.publish(KafkaBroker.broker().bootstrapServers(), id);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/tasks/{id}", id).then().statusCode(200));
        JsonNode result = Pipeline.JSON.readTree(given().get("/tasks/{id}", id).asByteArray());
        assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.get("key").asText()).isEqualTo("customer-42");
        assertThat(result.at("/output/sha256").asText()).isEqualTo(TaskTypesIT.generatedSha256(8, 42));
    }
}
