package io.taskpipe.ordering;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per key, the highest {@code seq} this lane has finished: the ordering evidence in every result.
 * Bounded by bytes, not keys (keys come from producers and may be long): the least recently used keys
 * are forgotten first, and a forgotten key's next task reports no previous {@code seq}.
 */
public final class OrderingLedger {

    /** What one entry costs, beyond its key's characters: map entry, boxed value, string header. */
    static final int ENTRY_OVERHEAD_BYTES = 100;

    /** What the ledger says about one finished task. */
    public record Evidence(Long previousSeq, boolean inOrder) {
    }

    private final long maxBytes;
    private final Map<String, Long> highest = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    public OrderingLedger(long maxBytes) {
        this.maxBytes = maxBytes;
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
            if (highest.put(key, seq) == null) {
                bytes += cost(key);
                evict();
            }
        }
        return new Evidence(previous, inOrder);
    }

    /** Bytes the ledger accounts for now. */
    public synchronized long bytes() {
        return bytes;
    }

    private void evict() {
        var eldest = highest.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= cost(eldest.next().getKey());
            eldest.remove();
        }
    }

    static long cost(String key) {
        return 2L * key.length() + ENTRY_OVERHEAD_BYTES;
    }
}
