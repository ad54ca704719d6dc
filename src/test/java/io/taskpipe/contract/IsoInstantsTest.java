package io.taskpipe.contract;

import com.fasterxml.jackson.databind.JsonMappingException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoInstantsTest {

    private static final long YEAR_1 = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_9999 = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void readsWhatInstantWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000L;
                case 2 -> random.nextInt(1_000_000) * 1_000L;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(YEAR_1, YEAR_9999 + 1), nanos);
            String text = instant.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text)).isEqualTo(instant);
        }
    }

    @Test
    void readsFractionsOfAnyLengthAndTheDaysAroundLeapYears() {
        for (String text : List.of("2026-11-22T10:15:30.1Z", "2026-11-22T10:15:30.12Z", "2026-11-22T10:15:30.1234Z",
                "2026-11-22T10:15:30.12345678Z", "2024-02-29T23:59:59.999999999Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.5Z")) {
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEverythingElseToTheGeneralParser() {
        for (String text : List.of("2026-11-22T10:15:30+01:00", "2026-11-22t10:15:30z", "2026-11-22T23:59:60Z", "+12026-11-22T10:15:30Z",
                "2026-11-22T10:15Z", "2026-11-22T10:15:30.Z", "2026-11-22T10:15:30.1234567890Z", "2026-13-01T00:00:00Z",
                "2026-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22 10:15:30Z",
                "2026-1a-22T10:15:30Z", "2026-11-22T10:15:30", "1763806530", "")) {
            assertThat(IsoInstants.parse(text)).as(text).isNull();
        }
    }

    @Test
    void theMapperAcceptsAndRefusesAsJacksonDoes() throws Exception {
        record Stamped(Instant at) {
        }
        assertThat(TaskJson.MAPPER.readValue("{\"at\":\"2026-11-22T10:15:30.123Z\"}", Stamped.class).at())
                .isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(TaskJson.MAPPER.readValue("{\"at\":\"2026-11-22T10:15:30+01:00\"}", Stamped.class).at())
                .isEqualTo(Instant.parse("2026-11-22T09:15:30Z"));
        assertThat(TaskJson.MAPPER.readValue("{\"at\":\"2026-11-22t10:15:30z\"}", Stamped.class).at())
                .isEqualTo(Instant.parse("2026-11-22T10:15:30Z"));
        assertThatThrownBy(() -> TaskJson.MAPPER.readValue("{\"at\":\"2026-02-30T10:15:30Z\"}", Stamped.class))
                .isInstanceOf(JsonMappingException.class).hasRootCauseInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> TaskJson.MAPPER.readValue("{\"at\":\"yesterday\"}", Stamped.class))
                .isInstanceOf(JsonMappingException.class).hasMessageContaining("java.time.Instant");
    }
}
