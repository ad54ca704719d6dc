package io.taskpipe.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;

/**
 * What readers of the results topic use of a result, read once per result: everything but its output,
 * source, ordering and routing. Routing learns each type's CPU time per wall time from it, the dashboard
 * its throughput, latency and failures.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResultSummary(String taskId, String type, String key, TaskResult.Status status, TaskResult.Error error,
                            Lane lane, int attempt, TaskResult.Worker worker, TaskResult.Timing timing) {

    private static final ObjectReader READER = TaskJson.MAPPER.readerFor(ResultSummary.class);

    /** The summary of a result record's value, or null when it is not a result this version reads. */
    public static ResultSummary read(byte[] result) {
        try {
            return READER.readValue(result);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
