package io.taskpipe.results;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.TaskJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The most recent results by task id, fed by the results topic (every dispatcher reads all of it),
 * for {@code GET /tasks/{id}}. Bounded: the oldest results are dropped first.
 */
@ApplicationScoped
public class ResultsView {

    private static final Logger LOG = Logger.getLogger(ResultsView.class);

    private final Map<String, byte[]> byTaskId;

    @Inject
    public ResultsView(TaskpipeConfig config) {
        this(config.results().viewCapacity());
    }

    public ResultsView(int capacity) {
        this.byTaskId = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Incoming("results-view")
    public void onResult(byte[] result) {
        try {
            JsonNode taskId = TaskJson.MAPPER.readTree(result).get("taskId");
            if (taskId != null && taskId.isTextual()) {
                put(taskId.asText(), result);
            }
        } catch (IOException e) {
            LOG.debugf("ignoring an unreadable record on the results topic: %s", e.getMessage());
        }
    }

    synchronized void put(String taskId, byte[] result) {
        byTaskId.remove(taskId); // a later result (a replay) counts as the most recent
        byTaskId.put(taskId, result);
    }

    /** The result's JSON, once it has arrived. */
    public synchronized Optional<byte[]> get(String taskId) {
        return Optional.ofNullable(byTaskId.get(taskId));
    }

    public synchronized int size() {
        return byTaskId.size();
    }
}
