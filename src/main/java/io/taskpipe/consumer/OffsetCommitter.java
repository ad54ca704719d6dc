package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partitions a lane holds and their commits: each partition's {@link PartitionProgress} (position,
 * started and finished offsets above it), committed as offset and metadata when it changed, at most
 * every {@code interval} unless a caller forces a commit (a start window running short, a synchronous
 * start, a rebalance, a stop).
 * Poll thread only.
 */
final class OffsetCommitter {

    private static final Logger LOG = Logger.getLogger(OffsetCommitter.class);
    /** Kafka's default {@code offset.metadata.max.bytes} is 4096; stay below it. */
    static final int MAX_METADATA_CHARS = 4000;

    private final String name;
    private final Consumer<?, ?> consumer;
    private final long intervalNanos;
    private final int startWindow;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long lastCommitNanos = System.nanoTime();
    private volatile int finishedSinceCommit;

    /** @param startWindow offsets a partition's start window reaches past what it handed out; 0: none */
    OffsetCommitter(String name, Consumer<?, ?> consumer, Duration interval, int startWindow) {
        this.name = name;
        this.consumer = consumer;
        this.intervalNanos = interval.toNanos();
        this.startWindow = startWindow;
    }

    /**
     * Starts tracking a partition from what its previous owner committed ({@code null}: nothing), else
     * {@code position}; {@code logEnd}: where its log ended now, which bounds a window its previous owner left open.
     */
    PartitionState assign(TopicPartition partition, OffsetAndMetadata committed, long position, long logEnd) {
        long start = committed != null ? committed.offset() : position;
        String metadata = committed != null ? committed.metadata() : "";
        PartitionProgress progress = new PartitionProgress(start, metadata, logEnd, MAX_METADATA_CHARS, startWindow);
        PartitionState state = new PartitionState(partition, progress, start, metadata);
        partitions.put(partition, state);
        return state;
    }

    /** The partition's state while this lane holds it, else null. */
    PartitionState get(TopicPartition partition) {
        return partitions.get(partition);
    }

    boolean holds(PartitionState state) {
        return partitions.get(state.partition) == state;
    }

    Collection<PartitionState> all() {
        return List.copyOf(partitions.values());
    }

    void remove(PartitionState state) {
        partitions.remove(state.partition, state);
    }

    /** One more record finished since the last full commit. */
    void finished() {
        finishedSinceCommit++;
    }

    /** Records finished but not yet committed. */
    int finishedSinceCommit() {
        return finishedSinceCommit;
    }

    /**
     * Moves idle partitions' positions up to the consumer's, past what it skipped and never handed out:
     * transaction markers and aborted records. Without it a partition whose last records were a
     * transaction's would show a lag of one forever. {@code waiting}: partitions with records polled and
     * not yet handed out, which must not be skipped.
     */
    void catchUp(Set<TopicPartition> waiting) {
        for (PartitionState state : partitions.values()) {
            if (state.deliveries.isEmpty() && !waiting.contains(state.partition)) {
                try {
                    state.progress.skipTo(Wakeups.retry(() -> consumer.position(state.partition)));
                } catch (RuntimeException e) {
                    LOG.debugf("%s: no position for %s yet (%s)", name, state.partition, e.toString());
                }
            }
        }
    }

    /** Widens every start window that runs short; true if one did (then commit). */
    boolean widenWindows() {
        boolean widened = false;
        for (PartitionState state : partitions.values()) {
            widened |= state.progress.widenWindow();
        }
        return widened;
    }

    boolean due() {
        return System.nanoTime() - lastCommitNanos >= intervalNanos;
    }

    /** Commits every partition that changed; returns false if a synchronous commit failed. */
    boolean commitAll(boolean sync) {
        boolean committed = commit(partitions.values(), sync);
        if (committed) {
            finishedSinceCommit = 0;
        }
        return committed;
    }

    /** Commits the position and metadata of those partitions that changed; returns false if a synchronous commit failed. */
    boolean commit(Collection<PartitionState> states, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<PartitionState, Long> windows = new HashMap<>();
        for (PartitionState state : states) {
            long position = state.progress.position();
            String metadata = state.progress.metadata();
            if (position != state.committedPosition || !metadata.equals(state.committedMetadata)) {
                offsets.put(state.partition, new OffsetAndMetadata(position, metadata));
                windows.put(state, state.progress.window());
                state.committedPosition = position;
                state.committedMetadata = metadata;
            }
        }
        if (offsets.isEmpty()) {
            return true;
        }
        lastCommitNanos = System.nanoTime();
        if (!sync) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error == null) {
                    opened(windows);
                } else {
                    LOG.debugf("%s: async commit failed (%s); the next commit covers it", name, error.toString());
                    forget(offsets.keySet());
                }
            });
            return true;
        }
        try {
            Wakeups.retry(() -> {
                consumer.commitSync(offsets);
                return null;
            });
            opened(windows);
            return true;
        } catch (RebalanceInProgressException e) {
            LOG.debugf("%s: commit waits for the rebalance to finish", name);
        } catch (RuntimeException e) {
            LOG.warnf("%s: commit of %s failed (%s)", name, offsets.keySet(), e.toString());
        }
        forget(offsets.keySet());
        return false;
    }

    /** A commit succeeded: the start windows it carried are open. */
    private static void opened(Map<PartitionState, Long> windows) {
        windows.forEach((state, window) -> state.startableUntil = Math.max(state.startableUntil, window));
    }

    /** A commit that failed: what it carried counts as not committed, so the next commit sends it again. */
    private void forget(Collection<TopicPartition> failed) {
        failed.forEach(partition -> {
            PartitionState state = partitions.get(partition);
            if (state != null) {
                state.committedPosition = -1;
            }
        });
    }
}
