package io.taskpipe.results;

import io.taskpipe.activity.Activity;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.routing.Routing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The most recent results by task id, fed by the results topic (every dispatcher reads all of it),
 * for {@code GET /tasks/{id}}, with the principal that submitted each task (the result's
 * {@link Headers#PRINCIPAL} header): a principal reads only its own tasks' results, and a task id one
 * principal uses is refused to others while the view remembers it ({@link #claim}). Bounded by bytes (results echo what producers sent, so their sizes vary):
 * the oldest results are dropped first.
 *
 * <p>Reading every result must cost the dispatcher little, since it competes with the IO lane: records
 * come in batches (fetched at most every 50 ms, see {@code application.properties}, where the connector's
 * cloud-event and tracing work per record is turned off), and each is parsed once, as a {@link ResultSummary}:
 * its {@code taskId} keys the view (the bytes are kept as they are), {@link Routing} learns each type's CPU
 * time per wall time from it, and the dashboard's {@link Activity} its figures.
 */
@ApplicationScoped
public class ResultsView {

    /** What one entry costs beyond its id's and owner's characters and its bytes: map entry, record, array and string headers. */
    static final int ENTRY_OVERHEAD_BYTES = 160;

    /** A task id's owner (null for a task written straight to Kafka) and its latest result (null while only claimed). */
    private record Entry(String owner, byte[] result) {
    }

    private final Map<String, Entry> byTaskId = new LinkedHashMap<>(1 << 16);
    private final long maxBytes;
    private final Consumer<ResultSummary> learner;
    private long bytes;

    @Inject
    public ResultsView(TaskpipeConfig config, Routing routing, Activity activity) {
        this(config.results().viewBytes(), summary -> {
            routing.learn(summary);
            activity.result(summary);
        });
    }

    public ResultsView(long maxBytes, Consumer<ResultSummary> learner) {
        this.maxBytes = maxBytes;
        this.learner = learner;
    }

    @Incoming("results-view")
    public void onResults(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            onResult(record.value(), principal(record));
        }
    }

    void onResult(byte[] result, String owner) {
        ResultSummary summary = ResultSummary.read(result);
        String taskId = summary != null ? summary.taskId() : TaskJson.peekText(result, "taskId");
        if (taskId != null) {
            put(taskId, new Entry(owner, result));
        }
        if (summary != null) {
            learner.accept(summary);
        }
    }

    /** The principal a record names in its {@link Headers#PRINCIPAL} header, if any. */
    public static String principal(ConsumerRecord<?, ?> record) {
        return Headers.text(record.headers(), Headers.PRINCIPAL);
    }

    /**
     * What a submission's claim found: the ids another principal already uses (then nothing was claimed),
     * or the ids it claimed afresh (those it already held are not among them).
     */
    public record Claim(List<String> taken, List<String> claimed) {
    }

    /** Claims task ids for {@code principal}, all or none. */
    public synchronized Claim claim(List<String> taskIds, String principal) {
        List<String> taken = new ArrayList<>();
        for (String taskId : taskIds) {
            Entry entry = byTaskId.get(taskId);
            if (entry != null && entry.owner() != null && !entry.owner().equals(principal)) {
                taken.add(taskId);
            }
        }
        List<String> claimed = new ArrayList<>();
        if (taken.isEmpty()) {
            taskIds.forEach(taskId -> {
                if (!byTaskId.containsKey(taskId)) {
                    put(taskId, new Entry(principal, null));
                    claimed.add(taskId);
                }
            });
        }
        return new Claim(taken, claimed);
    }

    /** Gives back a submission's fresh claims when it was not published (and no result came meanwhile). */
    public synchronized void unclaim(List<String> taskIds, String principal) {
        taskIds.forEach(taskId -> {
            Entry entry = byTaskId.get(taskId);
            if (entry != null && entry.result() == null && principal.equals(entry.owner())) {
                bytes -= cost(taskId, entry);
                byTaskId.remove(taskId);
            }
        });
    }

    private synchronized void put(String taskId, Entry entry) {
        Entry earlier = byTaskId.remove(taskId); // a later result (a replay) counts as the most recent
        if (earlier != null) {
            bytes -= cost(taskId, earlier);
        }
        byTaskId.put(taskId, entry);
        bytes += cost(taskId, entry);
        var eldest = byTaskId.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            var oldest = eldest.next();
            bytes -= cost(oldest.getKey(), oldest.getValue());
            eldest.remove();
        }
    }

    private static long cost(String taskId, Entry entry) {
        return 2L * taskId.length() + (entry.owner() == null ? 0 : 2L * entry.owner().length())
                + (entry.result() == null ? 0 : entry.result().length) + ENTRY_OVERHEAD_BYTES;
    }

    /** Bytes the view accounts for now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** The result's JSON, once it has arrived, if {@code principal} submitted the task or {@code anyone}'s may be read. */
    public synchronized Optional<byte[]> get(String taskId, String principal, boolean anyone) {
        Entry entry = byTaskId.get(taskId);
        return entry == null || entry.result() == null || !anyone && !principal.equals(entry.owner())
                ? Optional.empty() : Optional.of(entry.result());
    }

    public synchronized int size() {
        return byTaskId.size();
    }
}
