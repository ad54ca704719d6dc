package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.routing.Routing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The most recent results by task id, fed by the results topic (every dispatcher reads all of it),
 * for {@code GET /tasks/{id}}. Bounded by bytes (results echo what producers sent, so their sizes vary):
 * the oldest results are dropped first.
 *
 * <p>Reading every result must cost the dispatcher little, since it competes with the IO lane: records
 * come in batches (fetched at most every 50 ms, see {@code application.properties}), and of each only
 * the {@code taskId}, the second field, is parsed; the bytes are kept as they are. Each result also
 * goes to {@link Routing}, which learns each type's CPU time per wall time from it.
 */
@ApplicationScoped
public class ResultsView {

    /** What one entry costs beyond its id's characters and its bytes: map entry, array and string headers. */
    static final int ENTRY_OVERHEAD_BYTES = 120;

    private final Map<String, byte[]> byTaskId = new LinkedHashMap<>(1 << 16);
    private final long maxBytes;
    private final Consumer<byte[]> learner;
    private long bytes;

    @Inject
    public ResultsView(TaskpipeConfig config, Routing routing) {
        this(config.results().viewBytes(), routing::learn);
    }

    public ResultsView(long maxBytes, Consumer<byte[]> learner) {
        this.maxBytes = maxBytes;
        this.learner = learner;
    }

    @Incoming("results-view")
    public void onResults(List<byte[]> results) {
        for (byte[] result : results) {
            String taskId = TaskJson.peekText(result, "taskId");
            if (taskId != null) {
                put(taskId, result);
            }
            learner.accept(result);
        }
    }

    synchronized void put(String taskId, byte[] result) {
        byte[] earlier = byTaskId.remove(taskId); // a later result (a replay) counts as the most recent
        if (earlier != null) {
            bytes -= cost(taskId, earlier);
        }
        byTaskId.put(taskId, result);
        bytes += cost(taskId, result);
        var eldest = byTaskId.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            var entry = eldest.next();
            bytes -= cost(entry.getKey(), entry.getValue());
            eldest.remove();
        }
    }

    private static long cost(String taskId, byte[] result) {
        return 2L * taskId.length() + result.length + ENTRY_OVERHEAD_BYTES;
    }

    /** Bytes the view accounts for now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** The result's JSON, once it has arrived. */
    public synchronized Optional<byte[]> get(String taskId) {
        return Optional.ofNullable(byTaskId.get(taskId));
    }

    public synchronized int size() {
        return byTaskId.size();
    }
}
