package io.taskpipe.routing;

import io.taskpipe.contract.TaskResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts each process's runs of each type, so that routing leaves out the first ones: a fresh JVM loads
 * classes and interprets code on its first runs of a type, which costs CPU time that is not the type's.
 * Holds at most {@link #MAX_ENTRIES} processes and types, the least recently seen forgotten first (one
 * entry is a host name, a pid and a type name: a few hundred bytes at most).
 */
final class WarmUps {

    static final int MAX_ENTRIES = 10_000;

    private final int runs;
    private final Map<String, Integer> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    WarmUps(int runs) {
        this.runs = runs;
    }

    /** Counts one run of {@code type} by {@code worker}; true while that process is still warming up on it. */
    synchronized boolean warmingUp(TaskResult.Worker worker, String type) {
        if (runs == 0) {
            return false;
        }
        String process = worker == null ? "?" : worker.host() + '/' + worker.pid();
        return seen.merge(process + '/' + type, 1, Integer::sum) <= runs;
    }
}
