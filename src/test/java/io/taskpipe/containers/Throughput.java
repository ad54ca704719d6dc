package io.taskpipe.containers;

import io.taskpipe.check.History;
import io.taskpipe.check.Observed;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A lane's throughput over a run that queued its tasks before they started: first results of the lane,
 * divided by the time from the first start to the last finish. This is the per-replica figure the KEDA
 * {@code lagThreshold} of {@code k8s/} is derived from.
 */
record Throughput(String lane, long tasks, Duration span) {

    static Throughput of(History history, String lane) {
        List<Observed> results = history.results().stream().filter(r -> lane.equals(r.lane()) && r.attempt() == 1).toList();
        if (results.isEmpty()) {
            return new Throughput(lane, 0, Duration.ZERO);
        }
        Instant first = results.stream().map(Observed::startedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = results.stream().map(Observed::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
        return new Throughput(lane, results.size(), Duration.between(first, last));
    }

    double perSecond() {
        return span.isZero() ? 0 : tasks * 1000.0 / span.toMillis();
    }

    @Override
    public String toString() {
        return String.format("%s lane: %d tasks in %.1f s = %.0f tasks/s", lane, tasks, span.toMillis() / 1000.0, perSecond());
    }
}
