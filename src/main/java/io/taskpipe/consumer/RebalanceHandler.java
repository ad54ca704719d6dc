package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hands partitions over, inside the consumer's poll (on the poll thread):
 * <ul>
 *   <li><b>assigned</b>: each partition starts from what its previous owner committed, metadata included
 *       (finished offsets to skip, starts to count, a start window it left open by dying);</li>
 *   <li><b>revoked</b>: its records still waiting are dropped and nothing of it starts any more; its
 *       running tasks get {@code revokeGrace} to finish, then are cancelled and fenced (their outcome is
 *       never published) with their starts taken back; its progress is committed. Only then does the
 *       new owner start it: one key never runs in two processes at once, and a hand-off is never
 *       charged as a crash;</li>
 *   <li><b>lost</b> (the group moved on without us): the same without the grace and the commit, which
 *       can no longer succeed.</li>
 * </ul>
 * A stop hands every partition back the same way, with the shutdown grace ({@link #handBackAll}).
 */
final class RebalanceHandler implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(RebalanceHandler.class);

    private final LaneConsumer lane;
    private final Consumer<?, ?> consumer;

    RebalanceHandler(LaneConsumer lane, Consumer<?, ?> consumer) {
        this.lane = lane;
        this.consumer = consumer;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        lane.pollInterrupted();
        if (assigned.isEmpty()) {
            lane.assignmentReceived();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = Wakeups.retry(() -> consumer.committed(Set.copyOf(assigned)));
        Set<TopicPartition> leftOpen = assigned.stream()
                .filter(p -> committed.get(p) != null && PartitionProgress.windowLeftOpen(committed.get(p).metadata()))
                .collect(Collectors.toSet());
        Map<TopicPartition, Long> logEnds = leftOpen.isEmpty() ? Map.of() : Wakeups.retry(() -> consumer.endOffsets(leftOpen));
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata last = committed.get(partition);
            long position = last != null ? last.offset() : Wakeups.retry(() -> consumer.position(partition));
            lane.committer.assign(partition, last, position, logEnds.getOrDefault(partition, Long.MAX_VALUE));
        }
        if (!leftOpen.isEmpty()) {
            LOG.infof("%s: %s left by a process that died holding them; what it may have started runs with committed starts",
                    lane.settings.name(), leftOpen);
        }
        lane.backpressure.assigned(consumer, assigned);
        lane.assignmentReceived();
        LOG.debugf("%s: assigned %s", lane.settings.name(), assigned);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        lane.pollInterrupted();
        List<PartitionState> leaving = release(revoked);
        if (leaving.isEmpty()) {
            return;
        }
        awaitQuiet(leaving, lane.settings.revokeGrace());
        giveUp(leaving);
        lane.committer.commit(leaving, true);
        forget(leaving);
        LOG.debugf("%s: revoked %s", lane.settings.name(), revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        lane.pollInterrupted();
        List<PartitionState> leaving = release(lost);
        giveUp(leaving);
        forget(leaving);
        LOG.infof("%s: lost %s; their unfinished tasks will run again at the new owner", lane.settings.name(), lost);
    }

    /** The lane stops: every partition as on a revoke, with the shutdown grace; the group is left afterwards. */
    void handBackAll(Duration grace) {
        Collection<PartitionState> all = lane.committer.all();
        awaitQuiet(all, grace);
        giveUp(all);
        lane.committer.commitAll(true);
    }

    /** The partitions leave: none of their deliveries may start any more, and their records still waiting are dropped. */
    private List<PartitionState> release(Collection<TopicPartition> partitions) {
        List<PartitionState> leaving = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            PartitionState state = lane.committer.get(partition);
            if (state != null) {
                state.owned = false;
                leaving.add(state);
            }
        }
        lane.dropWaiting(partitions);
        lane.gate.wakeAll();
        lane.startCommits.turnAwayAbandoned();
        return leaving;
    }

    /** Applies reports until no delivery of these partitions runs or publishes here, or the grace is over. */
    private void awaitQuiet(Collection<PartitionState> states, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        lane.reports.applyAll();
        while (lane.unfinished.anyInProgress(states) && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            lane.startCommits.turnAwayAbandoned();
            lane.reports.applyWithin(Math.min(10_000_000, deadline - System.nanoTime()));
        }
    }

    /**
     * Cancels and fences what still runs of these partitions, and takes its starts back (see
     * {@link Unfinished#abandon}): every start that counts is then recorded, and their start windows close.
     */
    private void giveUp(Collection<PartitionState> states) {
        lane.reports.applyAll();
        lane.unfinished.abandon(states);
        states.forEach(state -> state.progress.release());
    }

    private void forget(Collection<PartitionState> states) {
        lane.unfinished.forget(states);
        states.forEach(lane.committer::remove);
    }
}
