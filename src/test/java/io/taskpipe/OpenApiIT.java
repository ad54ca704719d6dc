package io.taskpipe;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.taskpipe.testing.KafkaBroker;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * {@code /q/openapi} describes every operation the resource classes serve (found by reflection, so a new
 * endpoint without a description fails here), the health checks, the task and result by the contract's
 * own JSON Schemas (which answer where the document points), and Swagger UI answers.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class OpenApiIT {

    @Test
    void theDocumentDescribesEveryOperationOfTheResourceClasses() throws IOException {
        JsonPath document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        List<String> operations = operations();
        assertThat(operations).as("the resource classes' operations").contains("post /tasks", "get /dashboard/events");
        for (String operation : operations) {
            String[] methodAndPath = operation.split(" ", 2);
            assertThat(paths).as(operation).containsKey(methodAndPath[1]);
            Map<String, Object> described = paths.get(methodAndPath[1]);
            assertThat(described).as(operation).containsKey(methodAndPath[0]);
            assertThat(document.getString("paths.'" + methodAndPath[1] + "'." + methodAndPath[0] + ".summary")).as(operation).isNotBlank();
        }
        assertThat(paths).containsKeys("/q/health/live", "/q/health/ready");
        assertThat(document.getString("paths.'/tasks'.post.requestBody.content.'application/json'.schema.$ref"))
                .isEqualTo("/schema/task-v1.json");
        assertThat(document.getString("paths.'/tasks/{id}'.get.responses.'200'.content.'application/json'.schema.$ref"))
                .isEqualTo("/schema/result-v1.json");
        assertThat(document.getString("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        for (String schema : List.of("/schema/task-v1.json", "/schema/result-v1.json")) {
            given().get(schema).then().statusCode(200).body(containsString("\"$schema\""));
        }
    }

    @Test
    void swaggerUiAnswers() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    /** "get /tasks/{id}" and the like, from the JAX-RS annotations of every resource class under src/main/java. */
    private static List<String> operations() throws IOException {
        List<String> operations = new ArrayList<>();
        java.nio.file.Path root = java.nio.file.Path.of("src/main/java");
        try (Stream<java.nio.file.Path> sources = Files.walk(root)) {
            for (java.nio.file.Path source : sources.filter(OpenApiIT::isResource).toList()) {
                Class<?> type;
                try {
                    type = Class.forName(root.relativize(source).toString().replace(".java", "").replace('/', '.'));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                Path path = type.getAnnotation(Path.class);
                for (Method method : type.getDeclaredMethods()) {
                    String verb = method.isAnnotationPresent(GET.class) ? "get" : method.isAnnotationPresent(POST.class) ? "post" : null;
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        operations.add(verb + " " + path.value() + (sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return operations;
    }

    private static boolean isResource(java.nio.file.Path source) {
        try {
            return source.toString().endsWith(".java") && Files.readString(source).contains("\n@Path(");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
