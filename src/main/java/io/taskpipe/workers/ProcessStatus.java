package io.taskpipe.workers;

import java.time.Instant;

/**
 * One process of the pipeline as its heartbeats show it ({@link WorkerDirectory#processes()}).
 *
 * @param id                      {@code host:pid}, the key of its heartbeats and what results' {@code worker} names
 * @param role                    {@code all-in-one}, {@code dispatcher} or {@code cpu-worker}
 * @param lane                    {@code IO} or {@code CPU}; null before it started its lane
 * @param running                 tasks running now, of {@code slots}
 * @param queued                  tasks waiting for their key, a slot or a retry
 * @param finished                tasks it finished since it started
 * @param tasksPerSecond          tasks finished per second between its last two heartbeats; 0 when lost or after one
 * @param oldestUnfinishedSeconds age of the oldest record its lane holds without an outcome
 * @param lastSeen                when its last heartbeat arrived (this process's clock)
 * @param lost                    no heartbeat for three of its intervals, or its last said it was stopping
 */
public record ProcessStatus(String id, String role, String host, long pid, String lane, int slots, int running, int queued,
                            long finished, double tasksPerSecond, long oldestUnfinishedSeconds, Instant startedAt, Instant lastSeen,
                            boolean lost) {
}
