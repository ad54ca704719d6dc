package io.taskpipe.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.CloudEvents;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.RecordSize;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.Timestamps;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.TaskTypes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a record's bytes (or a REST body's JSON) into a task ready to run, or into a rejection whose
 * reason names the offending field. Every lane and the REST endpoint decode through this one class; a
 * record may also be a CloudEvent in binary mode ({@link EventTasks}).
 */
@ApplicationScoped
public class TaskDecoder {

    private final TaskTypes types;
    private final Validator validator;
    private final int maxRecordBytes;

    @Inject
    public TaskDecoder(TaskTypes types, Validator validator, TaskpipeConfig config) {
        this(types, validator, config.tasks().maxRecordBytes());
    }

    public TaskDecoder(TaskTypes types, Validator validator, int maxRecordBytes) {
        this.types = types;
        this.validator = validator;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Decodes a record a lane read. The record as a whole is checked first: its size (key, value and
     * headers) and its key; then its value as a task. The record key is the ordering key when the task
     * names none, and must equal the task's {@code key} when it names one.
     */
    public Decoded decode(ConsumerRecord<String, byte[]> record) {
        int size = RecordSize.of(record);
        if (size > maxRecordBytes) {
            return rejected(ErrorCode.PAYLOAD_TOO_LARGE, "the record has " + size + " bytes (key, value and headers), more than the limit of "
                    + maxRecordBytes, readableId(record.value()), null, record.key());
        }
        String keyProblem = record.key() == null ? null : Keys.problem("the record key", record.key());
        if (keyProblem != null) {
            return rejected(ErrorCode.INVALID_KEY, keyProblem, readableId(record.value()), null, null);
        }
        CloudEvents.Event event = CloudEvents.read(record.headers());
        return event == null ? decode(record.value(), record.key()) : decodeEvent(event, record.value(), record.key());
    }

    /** A task that arrived as a CloudEvent ({@link EventTasks} says how its attributes and data make the task). */
    private Decoded decodeEvent(CloudEvents.Event event, byte[] value, String recordKey) {
        String readableId = event.id() == null || event.id().isBlank() ? null : TaskResult.cut(event.id(), Keys.MAX_LENGTH);
        String readableType = event.type() != null && types.find(event.type()).isPresent() ? event.type() : null;
        JsonNode data = null;
        if (value != null) {
            try {
                data = TaskJson.MAPPER.readTree(value);
            } catch (StreamConstraintsException e) {
                return rejected(ErrorCode.PAYLOAD_TOO_LARGE, "the event's data exceeds a JSON limit: " + e.getOriginalMessage(),
                        readableId, readableType, recordKey);
            } catch (IOException e) {
                return rejected(ErrorCode.MALFORMED_JSON, "the event's data is not valid JSON: " + oneLine(e), readableId, readableType, recordKey);
            }
        }
        ObjectNode task;
        try {
            task = EventTasks.task(event, data, type -> types.find(type).isPresent());
        } catch (TaskFailure e) {
            return rejected(e.code(), e.getMessage(), readableId, readableType, recordKey);
        }
        return decode(task, recordKey);
    }

    /** Whether a task submitted over HTTP, published as {@code value} with its key, stays within the lanes' size limit. */
    public Rejection tooLarge(Accepted accepted, byte[] value) {
        int size = value.length + accepted.task().key().getBytes(StandardCharsets.UTF_8).length;
        return size <= maxRecordBytes ? null : new Rejection(ErrorCode.PAYLOAD_TOO_LARGE, "the task would be a record of " + size
                + " bytes, more than the limit of " + maxRecordBytes, accepted.task().id(), accepted.task().type(), accepted.task().key());
    }

    private Decoded decode(byte[] value, String recordKey) {
        if (value == null) {
            return rejected(ErrorCode.MALFORMED_JSON, "the record has no value", null, null, recordKey);
        }
        JsonNode node;
        try {
            node = TaskJson.MAPPER.readTree(value);
        } catch (StreamConstraintsException e) {
            return rejected(ErrorCode.PAYLOAD_TOO_LARGE, "the task exceeds a JSON limit: " + e.getOriginalMessage(), readableId(value), null, recordKey);
        } catch (IOException e) {
            return rejected(ErrorCode.MALFORMED_JSON, "not valid JSON: " + oneLine(e), readableId(value), null, recordKey);
        }
        return decode(node, recordKey);
    }

    /** Decodes an already parsed task. */
    public Decoded decode(JsonNode node, String recordKey) {
        if (node == null || !node.isObject()) {
            return rejected(ErrorCode.MALFORMED_JSON, "a task is a JSON object", null, null, recordKey);
        }
        String readableId = node.path("id").isTextual() ? node.get("id").asText() : null;
        String readableType = node.path("type").isTextual() ? node.get("type").asText() : null;
        String readableKey = node.path("key").isTextual() ? node.get("key").asText() : recordKey;
        Task task;
        try {
            task = TaskJson.MAPPER.treeToValue(node, Task.class);
        } catch (JsonProcessingException e) {
            return rejected(ErrorCode.INVALID_TASK, describe(e, ""), readableId, readableType, readableKey);
        }
        String problem = contractProblem(task);
        if (problem != null) {
            ErrorCode code = task.version() != null && task.version() != Task.VERSION ? ErrorCode.UNSUPPORTED_VERSION : ErrorCode.INVALID_TASK;
            return rejected(code, problem, readableId, readableType, readableKey);
        }
        String keyProblem = task.key() == null ? null : Keys.problem("field 'key'", task.key());
        if (keyProblem == null && task.key() != null && recordKey != null && !task.key().equals(recordKey)) {
            keyProblem = "the record key '" + recordKey + "' differs from the task's key '" + task.key()
                    + "': publish each task with its ordering key as the record key, or the key's order cannot hold";
        }
        if (keyProblem != null) {
            return rejected(ErrorCode.INVALID_KEY, keyProblem, readableId, readableType, recordKey);
        }
        String key = task.key() != null ? task.key() : recordKey != null ? recordKey : task.id();
        task = task.withKey(key);
        TaskHandler<?> handler = types.find(task.type()).orElse(null);
        if (handler == null) {
            return rejected(ErrorCode.UNKNOWN_TYPE, "unknown task type '" + task.type() + "'; known types: "
                    + String.join(", ", types.names()), task.id(), task.type(), key);
        }
        try {
            return new Accepted(task, handler, bindParams(handler, task.params()));
        } catch (TaskFailure e) {
            return rejected(e.code(), e.getMessage(), task.id(), task.type(), key);
        }
    }

    /** The id of a record refused before parsing, so whoever waits for it gets a result, not silence. */
    private static String readableId(byte[] value) {
        String id = TaskJson.peekText(value, "id");
        return id == null || id.isBlank() ? null : TaskResult.cut(id, Keys.MAX_LENGTH);
    }

    private static Rejected rejected(ErrorCode code, String reason, String taskId, String type, String key) {
        return new Rejected(new Rejection(code, reason, taskId, type, key));
    }

    private <P> P bindParams(TaskHandler<P> handler, ObjectNode params) {
        P bound;
        try {
            bound = TaskJson.MAPPER.treeToValue(params == null ? JsonNodeFactory.instance.objectNode() : params, handler.paramsType());
        } catch (JsonProcessingException e) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, describe(e, "params."));
        }
        Set<ConstraintViolation<P>> violations = validator.validate(bound);
        if (!violations.isEmpty()) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, violations.stream()
                    .map(v -> "params." + v.getPropertyPath() + " " + v.getMessage())
                    .sorted(Comparator.naturalOrder())
                    .collect(Collectors.joining("; ")));
        }
        handler.check(bound);
        return bound;
    }

    private static String contractProblem(Task task) {
        if (task.version() != null && task.version() != Task.VERSION) {
            return "contract version " + task.version() + " is not supported; this build reads version " + Task.VERSION;
        }
        if (task.id() == null || task.id().isBlank()) {
            return "field 'id' is required";
        }
        if (task.id().length() > Keys.MAX_LENGTH || task.id().chars().anyMatch(Character::isISOControl)) {
            return "field 'id' must be at most " + Keys.MAX_LENGTH + " characters without control characters";
        }
        if (task.type() == null || task.type().isBlank()) {
            return "field 'type' is required";
        }
        if (task.timeoutMs() != null && task.timeoutMs() <= 0) {
            return "field 'timeoutMs' must be positive";
        }
        if (task.createdAt() != null && !Timestamps.believable(task.createdAt(), Instant.now())) {
            return "field 'createdAt' " + task.createdAt() + " lies outside the believable window, from " + Timestamps.MAX_AGE.toDays()
                    + " days before this process's clock to " + Timestamps.MAX_SKEW.toMinutes() + " minutes after it";
        }
        return null;
    }

    /** A readable sentence for a binding error, naming the field by its JSON path. */
    static String describe(JsonProcessingException e, String prefix) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + prefix + path(unknown) + "'";
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty() && mismatch.getTargetType() != null) {
            return "field '" + prefix + path(mismatch) + "' must be " + expected(mismatch.getTargetType());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "field '" + prefix + path(mapping) + "' has the wrong type or value: " + oneLine(e);
        }
        return oneLine(e);
    }

    /** What a JSON value must look like to bind to {@code type}, in words. */
    private static String expected(Class<?> type) {
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 timestamp such as 2026-11-22T10:15:30Z";
        }
        return ObjectNode.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "a " + type.getSimpleName();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String oneLine(Exception e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        message = message == null ? e.getClass().getSimpleName()
                : message.replaceAll("\\s+", " ").replaceAll(", from `StreamReadConstraints[^`]*`", "");
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
