package io.taskpipe.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.taskpipe.contract.TaskResult;

import java.io.IOException;

/**
 * The {@code id} of a record refused before it is parsed (too large, a bad key), read without building
 * the rest: whoever waits for that id then gets a {@code REJECTED} result, not silence.
 */
final class TaskIds {

    /** No limit on strings or size: the record is already in memory, and only the id is kept. */
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(64).build())
            .build();

    private TaskIds() {
    }

    /** The top-level {@code id} string of a JSON object, cut to size; null when there is none or the bytes are not JSON. */
    static String peek(byte[] value) {
        if (value == null) {
            return null;
        }
        try (JsonParser parser = LENIENT.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken next = parser.nextToken();
                if (field.equals("id")) {
                    String id = next == JsonToken.VALUE_STRING ? parser.getText() : null;
                    return id == null || id.isBlank() ? null : TaskResult.cut(id, Keys.MAX_LENGTH);
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON, or broken before an id: nothing to name
        }
        return null;
    }
}
