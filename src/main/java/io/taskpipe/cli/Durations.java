package io.taskpipe.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import io.quarkus.runtime.configuration.DurationConverter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.time.Duration;

/**
 * Durations in command options and scenario files, read by the converter Quarkus reads {@code taskpipe.*}
 * settings with, so one form works everywhere: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
 * {@code 1d}, a bare number of seconds, {@code 1.5s}, ISO-8601 ({@code PT1M30S}, or {@code 1m30s}).
 */
public final class Durations {

    /** The forms, for error messages. */
    static final String FORMS = "write it as taskpipe.* settings take it: 500ms, 30s, 2m, 1h, 1d, a number of seconds, or ISO-8601 (PT1M30S)";

    private Durations() {
    }

    public static Duration parse(String text) {
        Duration parsed;
        try {
            parsed = text == null ? null : DurationConverter.parseDuration(text);
        } catch (RuntimeException e) {
            parsed = null; // the converter's own message repeats the text and names no form
        }
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: " + FORMS);
        }
        return parsed;
    }

    /** For Jackson: scenario fields. */
    public static final class Deserializer extends StdScalarDeserializer<Duration> {
        public Deserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            try {
                return parse(parser.getValueAsString());
            } catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, parser.getValueAsString(), e.getMessage());
            }
        }
    }

    /** For picocli: command options. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage()); // picocli shows this message as it is
            }
        }
    }
}
