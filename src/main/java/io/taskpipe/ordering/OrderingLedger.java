package io.taskpipe.ordering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per key, the highest {@code seq} this lane has finished: the ordering evidence in every result.
 * Bounded: the least recently used keys are forgotten first.
 */
public final class OrderingLedger {

    /** What the ledger says about one finished task. */
    public record Evidence(Long previousSeq, boolean inOrder) {
    }

    private final Map<String, Long> highest;

    public OrderingLedger(int maxKeys) {
        this.highest = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /**
     * Records that the task with {@code seq} of {@code key} finished. It is in order when no higher or
     * equal sequence number of its key finished before it; a task without {@code seq} is in order.
     */
    public synchronized Evidence finished(String key, Long seq) {
        Long previous = highest.get(key);
        if (seq == null) {
            return new Evidence(previous, true);
        }
        boolean inOrder = previous == null || seq > previous;
        if (inOrder) {
            highest.put(key, seq);
        }
        return new Evidence(previous, inOrder);
    }
}
