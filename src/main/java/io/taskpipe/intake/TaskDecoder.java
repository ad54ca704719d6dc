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
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.TaskTypes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.io.IOException;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a record's bytes (or a REST body's JSON) into a task ready to run, or into a rejection whose
 * reason names the offending field. Every lane and the REST endpoint decode through this one class.
 */
@ApplicationScoped
public class TaskDecoder {

    static final int MAX_ID_LENGTH = 200;

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

    /** Decodes a record value; {@code recordKey} (may be null) is the ordering key when the task names none. */
    public Decoded decode(byte[] value, String recordKey) {
        if (value == null) {
            return rejected(ErrorCode.MALFORMED_JSON, "the record has no value", null, null, recordKey);
        }
        if (value.length > maxRecordBytes) {
            return rejected(ErrorCode.PAYLOAD_TOO_LARGE, "the record has " + value.length
                    + " bytes, more than the limit of " + maxRecordBytes, null, null, recordKey);
        }
        JsonNode node;
        try {
            node = TaskJson.MAPPER.readTree(value);
        } catch (StreamConstraintsException e) {
            return rejected(ErrorCode.PAYLOAD_TOO_LARGE, "the task exceeds a JSON limit: " + e.getOriginalMessage(), null, null, recordKey);
        } catch (IOException e) {
            return rejected(ErrorCode.MALFORMED_JSON, "not valid JSON: " + oneLine(e), null, null, recordKey);
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
        if (task.id().length() > MAX_ID_LENGTH || task.id().chars().anyMatch(Character::isISOControl)) {
            return "field 'id' must be at most " + MAX_ID_LENGTH + " characters without control characters";
        }
        if (task.type() == null || task.type().isBlank()) {
            return "field 'type' is required";
        }
        if (task.key() != null && (task.key().isEmpty() || task.key().length() > MAX_ID_LENGTH)) {
            return "field 'key' must be 1 to " + MAX_ID_LENGTH + " characters";
        }
        if (task.timeoutMs() != null && task.timeoutMs() <= 0) {
            return "field 'timeoutMs' must be positive";
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
