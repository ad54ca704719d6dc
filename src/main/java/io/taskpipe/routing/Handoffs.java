package io.taskpipe.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per type and key, the last task a dispatcher forwarded to the CPU lane that has no result yet. The
 * CPU lane runs a key's tasks in order, so once that one has a result, all of the key's earlier forwarded
 * tasks have too: a task of the same type and key may then start on the IO lane without overtaking them.
 * Bounded by bytes, least recently forwarded first; a hand-off older than {@code limit} (a task's longest
 * life: deadline, cancel grace, publishing) no longer holds its key back, so a lost result cannot stall it.
 */
final class Handoffs {

    /** What one entry costs beyond its strings' characters: map entry, record and string headers. */
    private static final int ENTRY_OVERHEAD_BYTES = 120;

    private record Handoff(String taskId, long atNanos) {
    }

    private final Map<String, Handoff> byTypeAndKey = new LinkedHashMap<>();
    private final long maxBytes;
    private final long limitNanos;
    private long bytes;
    /** Nothing held: what every IO-lane task and every result asks first, without the lock (most of the time, nothing is). */
    private volatile boolean empty = true;

    Handoffs(long maxBytes, Duration limit) {
        this.maxBytes = maxBytes;
        this.limitNanos = limit.toNanos();
    }

    synchronized void forwarded(String type, String key, String taskId) {
        String line = line(type, key);
        remove(line);
        byTypeAndKey.put(line, new Handoff(taskId, System.nanoTime()));
        bytes += cost(line, taskId);
        var eldest = byTypeAndKey.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            var entry = eldest.next();
            bytes -= cost(entry.getKey(), entry.getValue().taskId());
            eldest.remove();
        }
        empty = byTypeAndKey.isEmpty();
    }

    void finished(String type, String key, String taskId) {
        if (!empty) {
            finishedHeld(type, key, taskId);
        }
    }

    private synchronized void finishedHeld(String type, String key, String taskId) {
        String line = line(type, key);
        Handoff handoff = byTypeAndKey.get(line);
        if (handoff != null && handoff.taskId().equals(taskId)) {
            remove(line);
        }
    }

    boolean pending(String type, String key) {
        return !empty && pendingHeld(type, key);
    }

    private synchronized boolean pendingHeld(String type, String key) {
        String line = line(type, key);
        Handoff handoff = byTypeAndKey.get(line);
        if (handoff != null && System.nanoTime() - handoff.atNanos() > limitNanos) {
            remove(line);
            return false;
        }
        return handoff != null;
    }

    synchronized long bytes() {
        return bytes;
    }

    private void remove(String line) {
        Handoff removed = byTypeAndKey.remove(line);
        if (removed != null) {
            bytes -= cost(line, removed.taskId());
            empty = byTypeAndKey.isEmpty();
        }
    }

    private static String line(String type, String key) {
        return type + '\u0000' + key;
    }

    private static long cost(String line, String taskId) {
        return 2L * (line.length() + taskId.length()) + ENTRY_OVERHEAD_BYTES;
    }
}
