package io.taskpipe.check;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Judges a run the way Jepsen's queue checkers do: unique task ids, the full history of outcomes, then
 * count. Lost = published without any result or dead letter; duplicate = a task's second result;
 * order violation = within a key and lane, a task that started after a task of a higher {@code seq};
 * overlapping runs = within a key and lane whose ordering serializes the key, a run that started while
 * another was still running; unexpected = an outcome of a task the run never published.
 */
public final class Checker {

    private Checker() {
    }

    public static Report check(Collection<Produced> produced, History history) {
        Map<String, List<Observed>> byTask = new HashMap<>();
        history.results().forEach(r -> byTask.computeIfAbsent(r.taskId(), id -> new ArrayList<>()).add(r));
        Set<String> deadLettered = new HashSet<>();
        history.deadLetters().forEach(d -> {
            if (d.taskId() != null) {
                deadLettered.add(d.taskId());
            }
        });

        Set<String> producedIds = new HashSet<>();
        produced.forEach(task -> producedIds.add(task.taskId()));
        long unexpected = byTask.keySet().stream().filter(id -> !producedIds.contains(id)).count()
                + deadLettered.stream().filter(id -> !producedIds.contains(id) && !byTask.containsKey(id)).count();
        List<String> lostIds = new ArrayList<>();
        long terminal = 0;
        for (Produced task : produced) {
            if (byTask.containsKey(task.taskId()) || deadLettered.contains(task.taskId())) {
                terminal++;
            } else if (lostIds.size() < 10) {
                lostIds.add(task.taskId());
            }
        }

        long duplicates = 0;
        long unmarked = 0;
        List<Observed> firsts = new ArrayList<>();
        for (List<Observed> results : byTask.values()) {
            results.sort(Comparator.comparingInt(Observed::attempt).thenComparing(Observed::finishedAt));
            firsts.add(results.get(0));
            for (int i = 1; i < results.size(); i++) {
                duplicates++;
                if (results.get(i).attempt() <= results.get(i - 1).attempt()) {
                    unmarked++;
                }
            }
        }

        return new Report(produced.size(), terminal, produced.size() - terminal, lostIds, duplicates, unmarked,
                orderViolations(firsts), overlappingRuns(history.results()), unexpected, keysWithGaps(produced, byTask.keySet(), deadLettered),
                firsts.stream().collect(Collectors.groupingBy(Observed::status, TreeMap::new, Collectors.counting())),
                history.deadLetters().stream().collect(Collectors.groupingBy(d -> String.valueOf(d.code()), TreeMap::new, Collectors.counting())),
                percentile(firsts, 50), percentile(firsts, 99), percentile(firsts, 100), maxStallMs(firsts));
    }

    /**
     * Within each key and lane (order is promised per lane), sorted by start: every task whose seq is
     * below one that started before it.
     */
    private static long orderViolations(List<Observed> firsts) {
        long violations = 0;
        for (List<Observed> keyed : byLaneAndKey(firsts, o -> o.seq() != null)) {
            long highest = Long.MIN_VALUE;
            for (Observed o : keyed) {
                if (o.seq() < highest) {
                    violations++;
                }
                highest = Math.max(highest, o.seq());
            }
        }
        return violations;
    }

    /**
     * Within each key and lane whose ordering serializes a key ({@code KEY}, {@code PARTITION}), sorted by
     * start: every run, replays included, that started before an earlier run of the key had finished.
     */
    static long overlappingRuns(List<Observed> all) {
        long overlapping = 0;
        for (List<Observed> runs : byLaneAndKey(all, o -> o.lane() != null && !"NONE".equals(o.ordering()))) {
            Instant busyUntil = Instant.MIN;
            for (Observed run : runs) {
                if (run.startedAt().isBefore(busyUntil)) {
                    overlapping++;
                }
                busyUntil = run.finishedAt().isAfter(busyUntil) ? run.finishedAt() : busyUntil;
            }
        }
        return overlapping;
    }

    /** The results that pass {@code which}, grouped by lane and key (order is promised per lane), each group sorted by start. */
    private static Collection<List<Observed>> byLaneAndKey(List<Observed> results, Predicate<Observed> which) {
        Map<String, List<Observed>> groups = results.stream().filter(o -> o.key() != null && which.test(o))
                .collect(Collectors.groupingBy(o -> o.lane() + "/" + o.key()));
        groups.values().forEach(group -> group.sort(Comparator.comparing(Observed::startedAt)));
        return groups.values();
    }

    private static long keysWithGaps(Collection<Produced> produced, Set<String> withResult, Set<String> deadLettered) {
        return produced.stream()
                .filter(p -> p.seq() != null && !withResult.contains(p.taskId()) && !deadLettered.contains(p.taskId()))
                .map(Produced::key).distinct().count();
    }

    private static double percentile(List<Observed> firsts, double percentile) {
        if (firsts.isEmpty()) {
            return 0;
        }
        Histogram histogram = new Histogram(3);
        firsts.forEach(o -> histogram.recordValue(Math.max(0, Math.round(o.endToEndMs() * 1000))));
        return (percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile)) / 1000.0;
    }

    private static double maxStallMs(List<Observed> firsts) {
        List<Instant> finishes = firsts.stream().map(Observed::finishedAt).sorted().toList();
        long max = 0;
        for (int i = 1; i < finishes.size(); i++) {
            max = Math.max(max, Duration.between(finishes.get(i - 1), finishes.get(i)).toMillis());
        }
        return max;
    }
}
