package io.taskpipe.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The one JSON mapper of the task contract: strict on input (unknown fields, coerced scalars and
 * oversized documents are errors), ISO-8601 instants on output.
 */
public final class TaskJson {

    /** Limits that make a hostile document fail fast instead of costing memory or time. */
    public static final StreamReadConstraints READ_LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxStringLength(64 * 1024)
            .maxNumberLength(32)
            .maxNameLength(256)
            .maxDocumentLength(16L << 20)
            .build();

    /**
     * Buffers recycled through one pool for all threads: each task runs on a virtual thread of its own,
     * where Jackson's default pool (one per thread) would allocate fresh buffers for every document.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(READ_LIMITS)
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule("iso-instants").addDeserializer(Instant.class, new IsoInstants.Deserializer())) // registered later, read first
            .addModule(new BlackbirdModule()) // records' accessors and constructors through generated lambdas, not reflection
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    /** No limit on strings: a record peeked at is already in memory, and only one field is kept. */
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(64).build())
            .build();

    private TaskJson() {
    }

    /**
     * The text of a top-level string field of a JSON object, read without building the rest (which may be
     * huge or broken further on); null when there is none, it is not a string, or the bytes are not JSON.
     */
    public static String peekText(byte[] json, String field) {
        if (json == null) {
            return null;
        }
        try (JsonParser parser = LENIENT.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON, or broken before the field: nothing to read
        }
        return null;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
