package io.taskpipe.workers;

import io.taskpipe.kafka.ThrottledLog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of {@link WorkerDirectory}, apart from Kafka and the clock so it can be tested by
 * handing it heartbeats and instants: per process the latest heartbeat, when it arrived, and the rate
 * since the one before.
 */
final class ProcessTable {

    private static final Logger LOG = Logger.getLogger(ProcessTable.class);
    /** Heartbeats a process may miss before it is shown lost. */
    static final int MISSED = 3;
    /** How long a lost process stays listed, for a dashboard to show what went away. */
    static final Duration FORGET_AFTER = Duration.ofSeconds(60);
    /** Most processes kept: pods that come and go under new names are forgotten even where no dashboard asks. */
    static final int MAX_PROCESSES = 1000;
    /** The longest interval a heartbeat may claim, so that a process which said "every hour" is still noticed gone. */
    private static final long MAX_INTERVAL_MS = 60_000;

    /** The last heartbeat of a process, when it arrived, and its rate of finished tasks. */
    private record Seen(Heartbeat heartbeat, Instant receivedAt, double tasksPerSecond) {

        Instant lostAt() {
            return heartbeat.stopping() ? receivedAt
                    : receivedAt.plusMillis(MISSED * Math.clamp(heartbeat.intervalMs(), 1, MAX_INTERVAL_MS));
        }
    }

    private final Map<String, Seen> processes = new HashMap<>();
    private final ThrottledLog unreadable = new ThrottledLog(LOG, Duration.ofMinutes(1));

    /** A record of the heartbeats topic, read at {@code receivedAt}; one that is not a heartbeat is skipped. */
    void accept(ConsumerRecord<String, byte[]> record, Instant receivedAt) {
        Heartbeat heartbeat;
        try {
            heartbeat = Heartbeat.fromJson(record.value());
        } catch (IOException | RuntimeException e) {
            unreadable.warn("skipping a record of " + record.topic() + " that is not a heartbeat (offset " + record.offset() + ")", e);
            return;
        }
        record(record.key() != null ? record.key() : heartbeat.id(), heartbeat, receivedAt);
    }

    /**
     * The latest heartbeat of process {@code id}. The rate is the finished tasks between this heartbeat and the
     * one before, over the time between their sending (both on the sender's clock); a heartbeat older than the
     * one kept (sent before it) is ignored, and one from a process that restarted under the same id starts over.
     */
    synchronized void record(String id, Heartbeat heartbeat, Instant receivedAt) {
        Seen before = processes.get(id);
        double rate = 0;
        if (before == null) {
            LOG.infof("heartbeats: %s %s (%s lane)", heartbeat.role(), id, heartbeat.lane());
        } else if (sameRun(before.heartbeat(), heartbeat)) {
            Duration between = Duration.between(before.heartbeat().sentAt(), heartbeat.sentAt());
            if (between.isNegative()) {
                return;
            }
            long done = heartbeat.finished() - before.heartbeat().finished();
            rate = between.isZero() ? before.tasksPerSecond() : Math.max(0, done) / (between.toNanos() / 1e9);
        }
        processes.put(id, new Seen(heartbeat, receivedAt, rate));
        if (processes.size() > MAX_PROCESSES) {
            processes.values().removeIf(seen -> receivedAt.isAfter(seen.lostAt().plus(FORGET_AFTER)));
            processes.entrySet().stream().min(Comparator.comparing(e -> e.getValue().receivedAt())).map(Map.Entry::getKey)
                    .filter(oldest -> processes.size() > MAX_PROCESSES).ifPresent(processes::remove);
        }
    }

    /** Whether two heartbeats come from the same run of a process: a restart (a container's pid 1 again) has another start. */
    private static boolean sameRun(Heartbeat before, Heartbeat now) {
        return before.startedAt() != null && before.startedAt().equals(now.startedAt());
    }

    /** Every process heard from and not yet forgotten at {@code now}, by role then id; forgets those lost long enough. */
    synchronized List<ProcessStatus> processes(Instant now) {
        List<ProcessStatus> statuses = new ArrayList<>();
        for (Iterator<Map.Entry<String, Seen>> it = processes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Seen> entry = it.next();
            Seen seen = entry.getValue();
            Instant lostAt = seen.lostAt();
            if (now.isAfter(lostAt.plus(FORGET_AFTER))) {
                it.remove();
                continue;
            }
            Heartbeat h = seen.heartbeat();
            boolean lost = h.stopping() || now.isAfter(lostAt);
            statuses.add(new ProcessStatus(entry.getKey(), h.role(), h.host(), h.pid(), h.lane() == null ? null : h.lane().name(), h.slots(),
                    h.running(), h.queued(), h.finished(), lost ? 0 : seen.tasksPerSecond(), h.oldestUnfinishedSeconds(), h.startedAt(),
                    seen.receivedAt(), lost));
        }
        statuses.sort(Comparator.comparing(ProcessStatus::role, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(ProcessStatus::id));
        return statuses;
    }
}
