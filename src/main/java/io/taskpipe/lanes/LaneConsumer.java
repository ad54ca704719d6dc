package io.taskpipe.lanes;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The poll loop of a lane, on one platform thread that alone touches the {@link Consumer}.
 *
 * <p>It hands records to a {@link RecordProcessor} while fewer than {@code capacity} are outstanding,
 * pausing the partitions otherwise (records already polled wait in a small backlog). Each record comes
 * with a {@link Completion}:
 * <ul>
 *   <li>{@link Completion#start()} before the task runs: the start is committed (in the commit's
 *       metadata, see {@link PartitionProgress}), so a task that was running when its process died is
 *       known and counted when it is delivered again, and given up on after {@code maxDeliveries};</li>
 *   <li>{@link Completion#done()} once the record's result or dead letter is acknowledged by the broker.
 *       Only then is it finished, and only contiguous finished offsets move the committed position;
 *       finished offsets above it are committed as metadata, so the next owner skips them.</li>
 * </ul>
 *
 * <p>On a revoke (rebalance) the loop waits up to {@code revokeGrace} for the revoked partitions'
 * running tasks, commits, and drops the rest, which the partition's next owner replays. On
 * {@link #stop} it stops handing out records, lets running tasks finish within the grace period,
 * hands back the queued ones, commits and leaves the group.
 */
public final class LaneConsumer {

    private static final Logger LOG = Logger.getLogger(LaneConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While a start waits for a commit that failed (a rebalance), the loop comes round this often to retry it. */
    private static final Duration POLL_PAUSED = Duration.ofMillis(10);
    /** Kafka's default {@code offset.metadata.max.bytes} is 4096; stay below it. */
    private static final int MAX_METADATA_CHARS = 4000;

    /** Receives each record once per delivery to this process. */
    @FunctionalInterface
    public interface RecordProcessor {
        void process(ConsumerRecord<String, byte[]> record, Completion completion);
    }

    /** How a processor reports the fate of one record. Thread-safe. */
    public final class Completion {
        private final PartitionState partition;
        private final long offset;
        private final int priorStarts;
        private boolean startedHere; // poll thread only

        private Completion(PartitionState partition, long offset, int priorStarts) {
            this.partition = partition;
            this.offset = offset;
            this.priorStarts = priorStarts;
        }

        /** How many times earlier deliveries of this record started running and never finished. */
        public int priorStarts() {
            return priorStarts;
        }

        /** A suspect: an earlier delivery started it and lost its process. Suspects run alone. */
        public boolean suspect() {
            return priorStarts > 0;
        }

        /** True when earlier deliveries started this record {@code maxDeliveries} times: give up on it. */
        public boolean exhausted() {
            return priorStarts >= maxDeliveries;
        }

        /** The attempt this run is: 1 for a first run. */
        public int attempt() {
            return priorStarts + 1;
        }

        /**
         * Records that the task starts, before it runs. With synchronous starts this blocks until the
         * start is committed, so even a task that kills its process at once is charged for it; otherwise
         * the start goes out with the next regular commit. Returns false when the task must not run (its
         * partition was given up, or the commit failed): then call {@link #skip()}.
         */
        public boolean start() throws InterruptedException {
            if (abandoned()) {
                return false;
            }
            if (!syncStarts) {
                markStarted();
                return true;
            }
            StartRequest request = new StartRequest(this, new CompletableFuture<>());
            startRequests.add(request);
            if (polling) {
                consumer.wakeup();
            }
            try {
                return request.started().get();
            } catch (ExecutionException e) {
                return false;
            }
        }

        /** Records the start with the next regular commit, never blocking (the dispatcher's forwards). */
        public void markStarted() {
            events.add(new Event(this, Kind.STARTED));
        }

        /** The record's outcome is durably recorded: its offset is finished. */
        public void done() {
            events.add(new Event(this, Kind.DONE));
            wakeIfFull();
        }

        /** The record was handed back unprocessed; its next owner will run it. */
        public void skip() {
            events.add(new Event(this, Kind.SKIPPED));
            wakeIfFull();
        }

        /** True once this process gave the record's partition up or is stopping: do not start it. */
        public boolean abandoned() {
            return !partition.owned || stopping;
        }
    }

    private enum Kind { STARTED, DONE, SKIPPED }

    private record Event(Completion completion, Kind kind) {
    }

    private record StartRequest(Completion completion, CompletableFuture<Boolean> started) {
    }

    private static final class PartitionState {
        final TopicPartition tp;
        final PartitionProgress progress;
        volatile boolean owned = true;
        int outstanding;
        int inProgress;             // started here, not yet done or skipped
        int suspectsInProgress;     // of which suspects
        long committedPosition = -1;
        String committedMetadata = "";

        PartitionState(TopicPartition tp, PartitionProgress progress) {
            this.tp = tp;
            this.progress = progress;
        }
    }

    private final String name;
    private final String topic;
    private final Consumer<String, byte[]> consumer;
    private final int capacity;
    private final int maxDeliveries;
    private final boolean syncStarts;
    private final long commitIntervalNanos;
    private final RecordProcessor processor;
    private final Duration revokeGrace;

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<StartRequest> startRequests = new LinkedBlockingQueue<>();
    private final List<StartRequest> pendingStarts = new ArrayList<>();
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final ArrayDeque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean stopping;
    private volatile boolean polling;
    /** Set while the loop polls with the lane full (partitions paused): the first record to finish wakes it. */
    private final AtomicBoolean wakeOnFinish = new AtomicBoolean();
    private volatile Duration shutdownGrace = Duration.ZERO;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int outstandingTotal;
    private volatile int finishedSinceCommit;
    private long lastCommitNanos = System.nanoTime();
    private boolean paused;
    private Thread thread;

    /**
     * How a lane consumes.
     *
     * @param capacity       records handed out and not yet finished, at most
     * @param maxDeliveries  deliveries that started a record and lost their process, after which it is given up on
     * @param syncStarts     whether a task's start is committed before it runs (see {@link Completion#start()})
     * @param revokeGrace    on a rebalance, how long revoked partitions' running tasks may take
     * @param commitInterval how often progress is committed when nothing forces a commit sooner: each
     *                       commit is a write at the broker, and at a thousand tasks a second committing
     *                       on every loop turn costs more than the tasks; a crash replays at most this
     *                       much more finished work
     */
    public record Settings(int capacity, int maxDeliveries, boolean syncStarts, Duration revokeGrace, Duration commitInterval) {
    }

    public LaneConsumer(String name, String topic, Consumer<String, byte[]> consumer, Settings settings, RecordProcessor processor) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.capacity = settings.capacity();
        this.maxDeliveries = settings.maxDeliveries();
        this.syncStarts = settings.syncStarts();
        this.revokeGrace = settings.revokeGrace();
        this.commitIntervalNanos = settings.commitInterval().toNanos();
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

    /** Records handed to the processor whose outcome is not yet durable. */
    public int outstanding() {
        return outstandingTotal;
    }

    /** Records whose finish is not yet committed: what would run again if this process died now. */
    public int uncommitted() {
        return outstandingTotal + finishedSinceCommit;
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                applyEvents();
                recordStarts();
                handOut();
                if (System.nanoTime() - lastCommitNanos >= commitIntervalNanos) {
                    commit(false);
                }
                updatePause();
                poll();
                handOut();
            }
            drain();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: poll loop failed; the lane stops and reports not live", name);
        } finally {
            stopping = true; // every start still waiting is turned away
            turnAwayAbandonedStarts();
            try {
                // leave the group now, static member or not, so the partitions move without waiting for a session timeout
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: closing the consumer failed", name);
            }
            stopped.countDown();
        }
    }

    private void poll() {
        lastPollNanos = System.nanoTime();
        polling = true;
        wakeOnFinish.set(paused); // a full lane's poll returns nothing: a finish must end it, not a timeout
        try {
            if (startRequests.isEmpty()) {
                consumer.poll(pendingStarts.isEmpty() ? POLL : POLL_PAUSED).forEach(backlog::add);
            }
        } catch (WakeupException e) {
            // a task asked to start, or finished while the lane was full: go round without waiting for the timeout
        } finally {
            wakeOnFinish.set(false);
            polling = false;
        }
    }

    /** Wakes a poll that waits with the lane full, once per poll (a wake-up is a system call). */
    private void wakeIfFull() {
        if (wakeOnFinish.compareAndSet(true, false)) {
            consumer.wakeup();
        }
    }

    /** Graceful stop: running tasks finish (queued ones are handed back), then a final commit. */
    private void drain() {
        stopping = true;
        turnAwayAbandonedStarts();
        awaitQuiet(partitions.values(), shutdownGrace);
        commit(true);
        LOG.infof("%s: stopped; %d task(s) handed back to the group", name, outstandingTotal);
    }

    private void handOut() {
        while (!backlog.isEmpty() && outstandingTotal < capacity && !stopping) {
            ConsumerRecord<String, byte[]> record = backlog.poll();
            PartitionState state = partitions.get(new TopicPartition(record.topic(), record.partition()));
            if (state == null) {
                continue; // revoked while waiting in the backlog: the next owner reads it again
            }
            PartitionProgress.Delivery delivery = state.progress.delivered(record.offset());
            if (delivery.alreadyDone()) {
                state.progress.done(record.offset()); // finished by an earlier owner after its last position commit
                continue;
            }
            state.outstanding++;
            outstandingTotal++;
            processor.process(record, new Completion(state, record.offset(), delivery.priorStarts()));
        }
    }

    /**
     * Commits the starts tasks asked for, in one synchronous commit, then lets those tasks run. A commit
     * can fail while the group rebalances: the tasks then keep waiting and the commit is tried again
     * after the next poll. A task is turned away only when its partition leaves this process (and its
     * key's later tasks with it): were it skipped while its successors ran, its key's order would break.
     */
    private void recordStarts() {
        startRequests.drainTo(pendingStarts);
        if (pendingStarts.isEmpty()) {
            return;
        }
        List<StartRequest> granted = new ArrayList<>();
        for (var it = pendingStarts.iterator(); it.hasNext(); ) {
            StartRequest request = it.next();
            Completion completion = request.completion();
            if (completion.abandoned() || partitions.get(completion.partition.tp) != completion.partition) {
                request.started().complete(false);
                it.remove();
            } else if (mayStart(completion)) {
                markStartedHere(completion);
                granted.add(request);
                it.remove();
            }
        }
        if (granted.isEmpty()) {
            return;
        }
        // everything else that changed goes along: before a task starts, every finished one is durable,
        // so a crash replays only what was in flight
        if (commit(true)) {
            granted.forEach(request -> request.started().complete(true));
            return;
        }
        for (StartRequest request : granted) {
            unmarkStartedHere(request.completion());
            pendingStarts.add(request);
        }
    }

    private void unmarkStartedHere(Completion completion) {
        PartitionState state = completion.partition;
        state.progress.unstarted(completion.offset);
        completion.startedHere = false;
        state.inProgress--;
        if (completion.suspect()) {
            state.suspectsInProgress--;
        }
    }

    /** Turns away the starts not yet granted whose partition is leaving (or every one, when the lane stops). */
    private void turnAwayAbandonedStarts() {
        startRequests.drainTo(pendingStarts);
        pendingStarts.removeIf(request -> {
            if (!request.completion().abandoned()) {
                return false;
            }
            request.started().complete(false);
            return true;
        });
    }

    private void applyEvents() {
        for (Event event; (event = events.poll()) != null; ) {
            apply(event);
        }
    }

    private void awaitEvent(long nanos) {
        try {
            Event event = events.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            if (event != null) {
                apply(event);
                applyEvents();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void apply(Event event) {
        Completion completion = event.completion();
        PartitionState state = completion.partition;
        if (partitions.get(state.tp) != state) {
            return; // a partition this process no longer holds
        }
        switch (event.kind()) {
            case STARTED -> {
                markStartedHere(completion);
                return;
            }
            case DONE -> {
                state.progress.done(completion.offset);
                finishedSinceCommit++;
            }
            case SKIPPED -> { }
        }
        if (completion.startedHere) {
            state.inProgress--;
            if (completion.suspect()) {
                state.suspectsInProgress--;
            }
        }
        state.outstanding--;
        outstandingTotal--;
    }

    private void markStartedHere(Completion completion) {
        PartitionState state = completion.partition;
        state.progress.started(completion.offset);
        completion.startedHere = true;
        state.inProgress++;
        if (completion.suspect()) {
            state.suspectsInProgress++;
        }
    }

    /**
     * Whether a start may be granted now. A suspect starts only once nothing else is in progress here
     * (running, or publishing its result), and nothing starts while a suspect is in progress: a crash
     * is then charged to the suspect alone, and every other finished task is durable before it runs.
     */
    private boolean mayStart(Completion completion) {
        int inProgress = 0;
        int suspects = 0;
        for (PartitionState state : partitions.values()) {
            inProgress += state.inProgress;
            suspects += state.suspectsInProgress;
        }
        return completion.suspect() ? inProgress == 0 : suspects == 0;
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

    /** Commits every partition's progress; returns false if a sync commit failed. */
    private boolean commit(boolean sync) {
        boolean committed = commit(partitions, sync);
        if (committed) {
            finishedSinceCommit = 0;
        }
        return committed;
    }

    /** Commits the position and metadata of partitions whose state changed; returns false if a sync commit failed. */
    private boolean commit(Map<TopicPartition, PartitionState> states, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        states.forEach((tp, state) -> {
            long position = state.progress.position();
            String metadata = state.progress.metadata();
            if (position != state.committedPosition || !metadata.equals(state.committedMetadata)) {
                offsets.put(tp, new OffsetAndMetadata(position, metadata));
                state.committedPosition = position;
                state.committedMetadata = metadata;
            }
        });
        if (offsets.isEmpty()) {
            return true;
        }
        lastCommitNanos = System.nanoTime();
        if (!sync) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.debugf("%s: async commit failed (%s); the next commit covers it", name, error.toString());
                    forgetCommitted(committed.keySet());
                }
            });
            return true;
        }
        try {
            retryOnWakeup(() -> {
                consumer.commitSync(offsets);
                return null;
            });
            return true;
        } catch (RebalanceInProgressException e) {
            LOG.debugf("%s: commit waits for the rebalance to finish", name);
            forgetCommitted(offsets.keySet());
            return false;
        } catch (RuntimeException e) {
            LOG.warnf("%s: commit of %s failed (%s)", name, offsets.keySet(), e.toString());
            forgetCommitted(offsets.keySet());
            return false;
        }
    }

    private void forgetCommitted(Collection<TopicPartition> tps) {
        tps.forEach(tp -> {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                state.committedPosition = -1;
            }
        });
    }

    /** A task's {@link Completion#start()} may wake the consumer during a blocking call: retry the call. */
    private <T> T retryOnWakeup(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (WakeupException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * Applies events until the given partitions have no task running (or publishing its result) here,
     * or the grace runs out. Their queued tasks are not waited for: they are turned away unrun.
     */
    private void awaitQuiet(Collection<PartitionState> states, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        applyEvents();
        while (states.stream().anyMatch(s -> s.inProgress > 0) && System.nanoTime() < deadline) {
            turnAwayAbandonedStarts();
            awaitEvent(Math.min(10_000_000, deadline - System.nanoTime()));
        }
    }

    /** Runs inside {@code poll}: no wake-ups for task starts meanwhile (they wait for the next loop turn). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            polling = false;
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = retryOnWakeup(() -> consumer.committed(java.util.Set.copyOf(assigned)));
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata last = committed.get(tp);
                long position = last != null ? last.offset() : retryOnWakeup(() -> consumer.position(tp));
                PartitionState state = new PartitionState(tp,
                        new PartitionProgress(position, last != null ? last.metadata() : null, MAX_METADATA_CHARS));
                state.committedPosition = position;
                state.committedMetadata = last != null ? last.metadata() : "";
                partitions.put(tp, state);
            }
            if (paused) {
                consumer.pause(assigned);
            }
            LOG.debugf("%s: assigned %s", name, assigned);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            polling = false;
            Map<TopicPartition, PartitionState> leaving = release(revoked);
            awaitQuiet(leaving.values(), revokeGrace);
            commit(leaving, true);
            forget(leaving);
            LOG.debugf("%s: revoked %s", name, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            polling = false;
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
