package io.taskpipe.lanes;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The poll loop of a lane, on one platform thread that alone touches the {@link Consumer}.
 *
 * <p>It hands records to a {@link RecordProcessor} while fewer than {@code capacity} are outstanding,
 * pausing the partitions otherwise (records already polled wait in a small backlog). Each record comes
 * with a {@link Completion}; the processor calls {@code done()} once the record's result or dead letter
 * is acknowledged by the broker. Only then does its offset count as finished, and only contiguous
 * finished offsets are committed: at-least-once, never a skipped task.
 *
 * <p>On a revoke (rebalance) the loop waits up to {@code revokeGrace} for the revoked partitions'
 * running tasks, commits what finished and drops the rest, which the partition's next owner replays.
 * On {@link #stop} it stops handing out records, lets running tasks finish within the grace period,
 * commits and leaves the group.
 */
public final class LaneConsumer {

    private static final Logger LOG = Logger.getLogger(LaneConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration POLL_PAUSED = Duration.ofMillis(10);

    /** Receives each record exactly once per delivery to this process. */
    @FunctionalInterface
    public interface RecordProcessor {
        void process(ConsumerRecord<String, byte[]> record, Completion completion);
    }

    /** How a processor reports the fate of one record. Thread-safe. */
    public final class Completion {
        private final PartitionState partition;
        private final long offset;

        private Completion(PartitionState partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        /** The record's outcome is durably recorded: its offset may be committed. */
        public void done() {
            events.add(new Event(partition, offset, true));
        }

        /** The record was handed back unprocessed (see {@link #abandoned()}); its next owner will run it. */
        public void skip() {
            events.add(new Event(partition, offset, false));
        }

        /** True once this process gave the record's partition up or is stopping: do not start it. */
        public boolean abandoned() {
            return !partition.owned || stopping;
        }
    }

    private record Event(PartitionState partition, long offset, boolean done) {
    }

    private static final class PartitionState {
        final OffsetTracker tracker = new OffsetTracker();
        volatile boolean owned = true;
        int outstanding;
        long committed = -1;
    }

    private final String name;
    private final String topic;
    private final Consumer<String, byte[]> consumer;
    private final int capacity;
    private final RecordProcessor processor;
    private final Duration revokeGrace;

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final ArrayDeque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean stopping;
    private volatile Duration shutdownGrace = Duration.ZERO;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int outstandingTotal;
    private boolean paused;
    private Thread thread;

    public LaneConsumer(String name, String topic, Consumer<String, byte[]> consumer, int capacity,
                        Duration revokeGrace, RecordProcessor processor) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.capacity = capacity;
        this.revokeGrace = revokeGrace;
        this.processor = processor;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("taskpipe-" + name + "-poll").start(this::loop);
        }
    }

    /** Stops taking records, waits up to {@code grace} for running tasks, commits, and leaves the group. */
    public void stop(Duration grace) {
        shutdownGrace = grace;
        running = false;
        try {
            if (thread != null && !stopped.await(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                LOG.warnf("%s: poll loop did not stop in time", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the poll loop is alive and has polled recently (liveness). */
    public boolean isAlive() {
        return thread != null && thread.isAlive() && System.nanoTime() - lastPollNanos < TimeUnit.MINUTES.toNanos(2);
    }

    /** Records handed to the processor and not yet done or skipped. */
    public int outstanding() {
        return outstandingTotal;
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                applyEvents();
                handOut();
                commit(false);
                updatePause();
                lastPollNanos = System.nanoTime();
                consumer.poll(paused ? POLL_PAUSED : POLL).forEach(backlog::add);
                handOut();
            }
            drain();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: poll loop failed; the lane stops and reports not live", name);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: closing the consumer failed", name);
            }
            stopped.countDown();
        }
    }

    /** Graceful stop: running tasks finish (queued ones are handed back), then a final commit. */
    private void drain() {
        stopping = true;
        awaitQuiet(partitions.values(), shutdownGrace);
        commit(true);
        LOG.infof("%s: stopped with %d task(s) handed back", name, outstandingTotal);
    }

    private void handOut() {
        while (!backlog.isEmpty() && outstandingTotal < capacity && !stopping) {
            ConsumerRecord<String, byte[]> record = backlog.poll();
            PartitionState state = partitions.get(new TopicPartition(record.topic(), record.partition()));
            if (state == null) {
                continue; // revoked while waiting in the backlog: the next owner reads it again
            }
            state.tracker.track(record.offset());
            state.outstanding++;
            outstandingTotal++;
            processor.process(record, new Completion(state, record.offset()));
        }
    }

    private void applyEvents() {
        for (Event event; (event = events.poll()) != null; ) {
            apply(event);
        }
    }

    private void apply(Event event) {
        PartitionState state = event.partition();
        if (!partitions.containsValue(state)) {
            return; // a partition this process no longer holds
        }
        if (event.done()) {
            state.tracker.done(event.offset());
        }
        state.outstanding--;
        outstandingTotal--;
    }

    private void updatePause() {
        boolean shouldPause = !backlog.isEmpty() || outstandingTotal >= capacity;
        if (shouldPause != paused) {
            if (shouldPause) {
                consumer.pause(consumer.assignment());
            } else {
                consumer.resume(consumer.paused());
            }
            paused = shouldPause;
        }
    }

    private void commit(boolean sync) {
        commit(partitions, sync);
    }

    private void commit(Map<TopicPartition, PartitionState> states, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        states.forEach((tp, state) -> {
            long position = state.tracker.committable();
            if (position > state.committed) {
                offsets.put(tp, new OffsetAndMetadata(position));
                state.committed = position;
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets);
            } catch (RuntimeException e) {
                LOG.warnf("%s: commit of %s failed (%s); those tasks may run again", name, offsets, e.toString());
            }
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.debugf("%s: async commit failed (%s); the next commit covers it", name, error.toString());
                    committed.keySet().forEach(tp -> {
                        PartitionState state = partitions.get(tp);
                        if (state != null) {
                            state.committed = -1;
                        }
                    });
                }
            });
        }
    }

    /** Applies events until the given partitions have nothing outstanding, or the grace runs out. */
    private void awaitQuiet(Collection<PartitionState> states, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (states.stream().anyMatch(s -> s.outstanding > 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Event event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null) {
                    apply(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            assigned.forEach(tp -> partitions.put(tp, new PartitionState()));
            if (paused) {
                consumer.pause(assigned);
            }
            LOG.debugf("%s: assigned %s", name, assigned);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            Map<TopicPartition, PartitionState> leaving = release(revoked);
            awaitQuiet(leaving.values(), revokeGrace);
            commit(leaving, true);
            forget(leaving);
            LOG.debugf("%s: revoked %s", name, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            forget(release(lost));
            LOG.infof("%s: lost %s; their unfinished tasks will run again at the new owner", name, lost);
        }

        private Map<TopicPartition, PartitionState> release(Collection<TopicPartition> tps) {
            Map<TopicPartition, PartitionState> leaving = new HashMap<>();
            for (TopicPartition tp : tps) {
                PartitionState state = partitions.get(tp);
                if (state != null) {
                    state.owned = false;
                    leaving.put(tp, state);
                }
            }
            backlog.removeIf(r -> tps.contains(new TopicPartition(r.topic(), r.partition())));
            return leaving;
        }

        private void forget(Map<TopicPartition, PartitionState> leaving) {
            leaving.forEach((tp, state) -> {
                outstandingTotal -= state.outstanding;
                partitions.remove(tp);
            });
        }
    }
}
