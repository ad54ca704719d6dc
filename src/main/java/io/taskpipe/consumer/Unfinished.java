package io.taskpipe.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries a lane handed out and has not finished: what it holds (counted by {@link Backpressure}),
 * what it waits for or gives up when partitions leave, whose starts are counted in their partition's
 * progress, and what health looks at. Changed on the poll thread only; read by health from any thread.
 */
final class Unfinished {

    private final Set<GroupDelivery> all = ConcurrentHashMap.newKeySet();
    private final Backpressure backpressure;

    Unfinished(Backpressure backpressure) {
        this.backpressure = backpressure;
    }

    void add(GroupDelivery delivery) {
        delivery.home.deliveries.add(delivery);
        all.add(delivery);
        backpressure.add(delivery.bytes);
    }

    /** The delivery's outcome is durable, or it was handed back: the lane no longer holds it. */
    void finished(GroupDelivery delivery) {
        if (delivery.home.deliveries.remove(delivery)) {
            all.remove(delivery);
            backpressure.remove(delivery.bytes);
        }
    }

    void countStart(GroupDelivery delivery) {
        if (!delivery.startCounted) {
            delivery.home.progress.started(delivery.offset);
            delivery.startCounted = true;
        }
    }

    void uncountStart(GroupDelivery delivery) {
        if (delivery.startCounted) {
            delivery.home.progress.unstarted(delivery.offset);
            delivery.startCounted = false;
        }
    }

    /** Whether a delivery of these partitions runs or publishes here. */
    boolean anyInProgress(Collection<PartitionState> states) {
        return states.stream().anyMatch(s -> s.deliveries.stream().anyMatch(GroupDelivery::inProgress));
    }

    /**
     * Gives up every unfinished delivery of these partitions: running tasks are cancelled and fenced, and
     * their starts taken back, so the next owner neither charges the hand-off as a crash nor overlaps a run.
     * A delivery already publishing its outcome keeps its start: should that outcome land, the next
     * owner's run is a duplicate, and says so with a higher attempt.
     */
    void abandon(Collection<PartitionState> states) {
        for (PartitionState state : states) {
            for (GroupDelivery delivery : List.copyOf(state.deliveries)) {
                if (delivery.abandon() != GroupDelivery.State.FINISHING) {
                    uncountStart(delivery);
                }
            }
        }
    }

    /** Stops holding everything handed out of these partitions. */
    void forget(Collection<PartitionState> states) {
        for (PartitionState state : states) {
            state.deliveries.forEach(delivery -> {
                all.remove(delivery);
                backpressure.remove(delivery.bytes);
            });
            state.deliveries.clear();
        }
    }

    /** The delivery most overdue for its outcome, if any. */
    Optional<LaneFeed.Stall> stall() {
        long now = System.nanoTime();
        GroupDelivery worst = null;
        long worstBy = 0;
        for (GroupDelivery delivery : all) {
            long by = delivery.overdueNanos(now);
            if (by > worstBy) {
                worst = delivery;
                worstBy = by;
            }
        }
        return worst == null ? Optional.empty() : Optional.of(new LaneFeed.Stall(worst.label(), Duration.ofNanos(worstBy)));
    }

    /** How long the oldest delivery has waited for its outcome. */
    Duration oldest() {
        long now = System.nanoTime();
        return Duration.ofNanos(all.stream().mapToLong(d -> now - d.handedOutNanos).max().orElse(0));
    }
}
