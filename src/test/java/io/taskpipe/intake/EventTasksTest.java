package io.taskpipe.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.CloudEvents.Event;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTasksTest {

    private static final Predicate<String> TYPES = Set.of("io.sleep", "compute.sum")::contains;

    @Test
    void aTaskTypeAsTheEventTypeTakesTheDataAsParams() throws Exception {
        JsonNode task = EventTasks.task(new Event("1.0", "e-1", "compute.sum", "2026-11-30T10:00:00+01:00"), json("{\"n\":5}"), TYPES);
        assertThat(task.get("id").asText()).isEqualTo("e-1");
        assertThat(task.get("type").asText()).isEqualTo("compute.sum");
        assertThat(task.get("createdAt").asText()).isEqualTo("2026-11-30T09:00:00Z");
        assertThat(task.at("/params/n").asInt()).isEqualTo(5);
        assertThat(EventTasks.task(new Event("1.0", "e-2", "io.sleep", null), null, TYPES).get("params").isEmpty())
                .as("an event without data: no params").isTrue();
    }

    @Test
    void anotherEventTypeCarriesAWholeTaskTheEventCompletes() throws Exception {
        JsonNode task = EventTasks.task(new Event("1.0", "e-3", "com.example.order", null), json("{\"type\":\"io.sleep\"}"), TYPES);
        assertThat(task.get("id").asText()).isEqualTo("e-3");
        JsonNode same = EventTasks.task(new Event("1.0", "e-4", "com.example.order", null), json("{\"id\":\"e-4\",\"type\":\"io.sleep\"}"), TYPES);
        assertThat(same.get("id").asText()).isEqualTo("e-4");
    }

    @Test
    void whatCannotBeATaskIsInvalid() throws Exception {
        invalid(new Event("0.3", "e", "io.sleep", null), null, "spec version '0.3'");
        invalid(new Event("1.0", null, "io.sleep", null), null, "needs ce_id");
        invalid(new Event("1.0", " ", "io.sleep", null), null, "needs ce_id");
        invalid(new Event("1.0", "e", null, null), null, "needs ce_type");
        invalid(new Event("1.0", "e", "io.sleep", "30 Nov"), null, "RFC 3339");
        invalid(new Event("1.0", "e", "io.sleep", null), json("[1]"), "params, a JSON object");
        invalid(new Event("1.0", "e", "com.example", null), json("\"text\""), "must be a task");
        invalid(new Event("1.0", "e", "com.example", null), null, "must be a task");
        invalid(new Event("1.0", "e", "com.example", null), json("{\"id\":\"f\",\"type\":\"io.sleep\"}"), "differs from the task's id");
    }

    private static void invalid(Event event, JsonNode data, String reason) {
        assertThatThrownBy(() -> EventTasks.task(event, data, TYPES)).isInstanceOfSatisfying(TaskFailure.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TASK);
            assertThat(e.getMessage()).contains(reason);
        });
    }

    private static JsonNode json(String text) throws Exception {
        return TaskJson.MAPPER.readTree(text);
    }
}
