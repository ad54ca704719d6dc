package io.taskpipe.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.contract.CloudEvents;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;

/**
 * A task that arrived as a CloudEvent (binary mode). When {@code ce_type} names a task type, the event's
 * data is the task's {@code params}, {@code ce_id} its id and {@code ce_time} its {@code createdAt}.
 * Otherwise the data is a whole task, whose missing {@code id} and {@code createdAt} the event supplies;
 * an id the data names must equal {@code ce_id}.
 */
final class EventTasks {

    private EventTasks() {
    }

    /** The task JSON the event stands for; {@code data} is its parsed value (null when it had none). */
    static ObjectNode task(CloudEvents.Event event, JsonNode data, Predicate<String> isTaskType) {
        if (!CloudEvents.SPEC_VERSION.equals(event.specVersion())) {
            throw invalid("CloudEvents spec version '" + event.specVersion() + "' is not supported; this build reads " + CloudEvents.SPEC_VERSION);
        }
        if (event.id() == null || event.id().isBlank()) {
            throw invalid("a CloudEvent needs ce_id");
        }
        if (event.type() == null || event.type().isBlank()) {
            throw invalid("a CloudEvent needs ce_type");
        }
        String createdAt = event.time() == null ? null : instant(event.time());
        if (isTaskType.test(event.type())) {
            if (data != null && !data.isObject()) {
                throw invalid("the data of a CloudEvent of type '" + event.type() + "' is the task's params, a JSON object");
            }
            ObjectNode task = JsonNodeFactory.instance.objectNode().put("id", event.id()).put("type", event.type());
            if (createdAt != null) {
                task.put("createdAt", createdAt);
            }
            task.set("params", data == null ? JsonNodeFactory.instance.objectNode() : data);
            return task;
        }
        if (!(data instanceof ObjectNode task)) {
            throw invalid("ce_type '" + event.type() + "' names no task type, so the event's data must be a task (a JSON object)");
        }
        if (!task.has("id")) {
            task.put("id", event.id());
        } else if (!event.id().equals(task.path("id").asText(null))) {
            throw invalid("ce_id '" + event.id() + "' differs from the task's id '" + task.path("id").asText() + "'");
        }
        if (!task.has("createdAt") && createdAt != null) {
            task.put("createdAt", createdAt);
        }
        return task;
    }

    /** RFC 3339 as CloudEvents writes it (with an offset), as the ISO-8601 instant the contract reads. */
    private static String instant(String time) {
        try {
            return OffsetDateTime.parse(time).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw invalid("ce_time '" + time + "' is not an RFC 3339 timestamp");
        }
    }

    private static TaskFailure invalid(String reason) {
        return new TaskFailure(ErrorCode.INVALID_TASK, reason);
    }
}
