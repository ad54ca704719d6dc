package io.taskpipe;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The HTTP face: submitting one task or many, reading a result, health and metrics. */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class RestApiIT {

    @Test
    void submitOneTaskAndReadItsResult() {
        String id = "rest-" + UUID.randomUUID();
        given().get("/tasks/{id}", id).then().statusCode(404);
        given().contentType(ContentType.JSON)
                .body("{\"id\":\"" + id + "\",\"type\":\"compute.sum\",\"params\":{\"n\":1000}}")
                .post("/tasks")
                .then().statusCode(202).body("ids", equalTo(List.of(id)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/tasks/{id}", id).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED"))
                        .body("output.sum", equalTo(499500))
                        .body("lane", equalTo("CPU")));
    }

    @Test
    void submitAnArrayGeneratesMissingIds() {
        List<String> ids = given().contentType(ContentType.JSON)
                .body("[{\"type\":\"io.sleep\",\"params\":{\"millis\":1}},{\"type\":\"io.sleep\",\"params\":{\"millis\":2}}]")
                .post("/tasks")
                .then().statusCode(202).body("ids", hasSize(2))
                .extract().path("ids");
        ids.forEach(id -> await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/tasks/{id}", id).then().statusCode(200).body("status", equalTo("SUCCEEDED"))));
    }

    @Test
    void anInvalidTaskRejectsTheWholeSubmissionWithReasons() {
        String good = "rest-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("[{\"id\":\"" + good + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}},"
                        + "{\"type\":\"io.sleep\",\"params\":{}},{\"type\":\"nope\"}]")
                .post("/tasks")
                .then().statusCode(400)
                .body("errors", hasSize(2))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].code", equalTo("INVALID_PARAMS"))
                .body("errors[0].message", containsString("params.millis must not be null"))
                .body("errors[1].code", equalTo("UNKNOWN_TYPE"));
        given().contentType(ContentType.JSON).body("{not json").post("/tasks")
                .then().statusCode(400).body("errors[0].code", equalTo("MALFORMED_JSON"));
        given().get("/tasks/{id}", good).then().statusCode(404);
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await("ready: the local cpu-worker joined").atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        String id = "rest-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}")
                .post("/tasks").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/tasks/{id}", id).then().statusCode(200));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("taskpipe_tasks_total{lane=\"IO\",status=\"SUCCEEDED\",type=\"io.sleep\"}"))
                .body(containsString("taskpipe_task_service_seconds_bucket{lane=\"IO\",type=\"io.sleep\""))
                .body(containsString("taskpipe_lane_running{lane=\"IO\"}"))
                .body(containsString("taskpipe_lane_queued{lane=\"IO\"}"));
    }
}
