package io.taskpipe.workers;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskJson;

import java.io.IOException;
import java.time.Instant;

/**
 * What a process says about itself every {@code taskpipe.heartbeat.interval}, on {@code taskpipe.topics.workers}
 * keyed by its {@link #id()} (docs/contract.md, heartbeats). Counts are the process's lane at {@code sentAt};
 * {@code finished} is cumulative since the process started, so a reader derives a rate from two heartbeats
 * and loses nothing by missing one.
 *
 * @param role                    {@code all-in-one}, {@code dispatcher} or {@code cpu-worker}
 * @param host                    as in results' {@code worker.host}
 * @param pid                     as in results' {@code worker.pid}
 * @param lane                    the lane the process runs; null before it started one
 * @param oldestUnfinishedSeconds age of the oldest record the lane holds without an outcome
 * @param intervalMs              how often the process sends one: a reader's measure of "late"
 * @param stopping                true on the last heartbeat of a process stopping gracefully
 */
@JsonPropertyOrder({"role", "host", "pid", "lane", "slots", "running", "queued", "finished", "oldestUnfinishedSeconds",
        "startedAt", "sentAt", "intervalMs", "stopping"})
public record Heartbeat(String role, String host, long pid, Lane lane, int slots, int running, int queued, long finished,
                        long oldestUnfinishedSeconds, Instant startedAt, Instant sentAt, long intervalMs, boolean stopping) {

    /** Tolerant of fields it does not know: a newer process's heartbeat must not hide it from an older dispatcher. */
    private static final ObjectReader READER = TaskJson.MAPPER.readerFor(Heartbeat.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The process's id, the heartbeat's key: {@code host:pid}. */
    public String id() {
        return host + ":" + pid;
    }

    public byte[] toJson() {
        return TaskJson.write(this);
    }

    public static Heartbeat fromJson(byte[] json) throws IOException {
        return READER.readValue(json);
    }
}
