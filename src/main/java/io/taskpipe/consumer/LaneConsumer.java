package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;
import io.taskpipe.contract.RecordSize;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A lane's consumer: one platform thread, the only one that touches the Kafka {@link Consumer}, turning
 * the loop that polls records, hands each to a {@link RecordHandler} with its {@link GroupDelivery}, and
 * applies what task threads report back (a start, a back-off, an outcome made durable).
 *
 * <p>Its parts: {@link Backpressure} bounds what the lane holds, by count and by bytes; the
 * {@link StartGate} decides when a task may start; {@link StartCommits} commits starts before they run
 * where that is asked for; the {@link OffsetCommitter} commits each partition's progress; the
 * {@link RebalanceHandler} hands partitions over. Only contiguous finished offsets move a committed
 * position; finished offsets above it, started ones and a start window ahead of them go into the
 * commit's metadata ({@link PartitionProgress}), so the next owner skips the first and knows the
 * others for suspects.
 *
 * <p>On {@link #stop} the loop stops handing out records, lets running tasks finish within the grace,
 * cancels and fences what still runs, hands back the rest, commits and leaves the group.
 */
public final class LaneConsumer implements LaneFeed {

    private static final Logger LOG = Logger.getLogger(LaneConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While granted starts wait for a commit that failed (a rebalance), the loop comes round this often. */
    private static final Duration POLL_WHILE_STARTS_RETRY = Duration.ofMillis(10);

    private final Consumer<String, byte[]> consumer;
    private final RecordHandler handler;
    private final ArrayDeque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();
    private final RebalanceHandler rebalance;
    // the parts, which reach each other through the lane
    final ConsumerSettings settings;
    final StartGate gate = new StartGate();
    final StartCommits startCommits = new StartCommits(this);
    final OffsetCommitter committer;
    final Backpressure backpressure;
    final Unfinished unfinished;
    final Reports reports;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set while the loop polls with its partitions paused: the first finish must end that poll, not its timeout. */
    private final AtomicBoolean wakeOnFinish = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean stopping;
    private volatile boolean polling;
    private volatile boolean joined;
    private volatile Duration shutdownGrace = Duration.ZERO;
    private volatile long lastPollNanos = System.nanoTime();
    private Thread thread;

    public LaneConsumer(Consumer<String, byte[]> consumer, ConsumerSettings settings, RecordHandler handler) {
        this.consumer = consumer;
        this.settings = settings;
        this.handler = handler;
        this.committer = new OffsetCommitter(settings.name(), consumer, settings.commitInterval(),
                settings.startCommit() == StartCommit.AHEAD ? settings.startWindow() : 0);
        this.backpressure = new Backpressure(settings.maxRecords(), settings.maxBytes());
        this.unfinished = new Unfinished(backpressure);
        this.reports = new Reports(committer, unfinished);
        this.rebalance = new RebalanceHandler(this, consumer);
    }

    @Override
    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("taskpipe-" + settings.name() + "-poll").start(this::loop);
        }
    }

    /** Stops taking records, waits up to {@code grace} for running tasks, commits, and leaves the group. */
    @Override
    public void stop(Duration grace) {
        shutdownGrace = grace;
        running = false;
        try {
            if (thread != null && !stopped.await(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                LOG.warnf("%s: poll loop did not stop in time", settings.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isAlive() {
        return thread != null && thread.isAlive() && System.nanoTime() - lastPollNanos < TimeUnit.MINUTES.toNanos(2);
    }

    @Override
    public Optional<Stall> stall() {
        return unfinished.stall();
    }

    /**
     * Whether the group has given this consumer its first assignment (possibly empty, when the group has
     * more members than the topic partitions): until then the lane cannot process anything.
     */
    @Override
    public boolean joined() {
        return joined;
    }

    @Override
    public Duration oldestUnfinished() {
        return unfinished.oldest();
    }

    /** Records whose finish is not yet committed: what would run again if this process died now. */
    @Override
    public int uncommitted() {
        return backpressure.records() + committer.finishedSinceCommit();
    }

    @Override
    public int outstanding() {
        return backpressure.records();
    }

    @Override
    public long heldBytes() {
        return backpressure.bytes();
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(settings.topic()), rebalance);
            while (running) {
                reports.applyAll();
                startCommits.grant();
                handOut();
                boolean due = committer.due();
                if (due) {
                    committer.catchUp(backlog.stream().map(r -> new TopicPartition(r.topic(), r.partition())).collect(Collectors.toSet()));
                }
                if (committer.widenWindows() || due) {
                    committer.commitAll(false);
                }
                backpressure.update(consumer, !backlog.isEmpty());
                poll();
                handOut();
            }
            drain();
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "%s: poll loop failed; the lane stops and reports not live", settings.name());
        } finally {
            stopping = true;
            gate.wakeAll();
            startCommits.close();
            try {
                // leave the group now, static member or not, so the partitions move without waiting for a session timeout
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: closing the consumer failed", settings.name());
            }
            stopped.countDown();
        }
    }

    private void poll() {
        lastPollNanos = System.nanoTime();
        polling = true;
        wakeOnFinish.set(backpressure.paused());
        try {
            if (!startCommits.asked()) {
                consumer.poll(startCommits.retrying() ? POLL_WHILE_STARTS_RETRY : POLL).forEach(backlog::add);
            }
        } catch (WakeupException e) {
            // a task asked to start, or one finished while the lane was full: go round now
        } finally {
            wakeOnFinish.set(false);
            polling = false;
        }
    }

    private void handOut() {
        while (!backlog.isEmpty() && backpressure.hasRoom(RecordSize.of(backlog.peek())) && !stopping) {
            ConsumerRecord<String, byte[]> record = backlog.poll();
            PartitionState home = committer.get(new TopicPartition(record.topic(), record.partition()));
            if (home == null) {
                continue; // revoked while it waited: the next owner reads it again
            }
            PartitionProgress.Delivery known = home.progress.delivered(record.offset());
            if (known.alreadyDone()) {
                home.progress.done(record.offset()); // finished by an earlier owner after its last position commit
                continue;
            }
            GroupDelivery delivery = new GroupDelivery(this, home, record.offset(), known.priorStarts(), RecordSize.of(record));
            unfinished.add(delivery);
            try {
                handler.handle(record, delivery);
            } catch (RuntimeException | Error e) {
                // a handler must not throw; if it does, say so loudly and let health name the record
                LOG.errorf(e, "%s: the handler failed on %s; the record has no outcome", settings.name(), delivery.label());
                delivery.expectOutcomeWithin(Duration.ZERO);
            }
        }
    }

    /** Graceful stop: running tasks get the grace; what still runs then is cancelled and fenced; a final commit. */
    private void drain() {
        stopping = true;
        gate.wakeAll();
        rebalance.handBackAll(shutdownGrace);
        LOG.infof("%s: stopped; %d task(s) handed back to the group", settings.name(), backpressure.records());
    }

    /** Any thread: a report about a delivery; a finish wakes a poll that waits with the lane full. */
    void report(GroupDelivery delivery, Reports.Kind kind) {
        reports.add(delivery, kind);
        if ((kind == Reports.Kind.DONE || kind == Reports.Kind.SKIPPED) && wakeOnFinish.compareAndSet(true, false)) {
            consumer.wakeup(); // once per poll: a wake-up is a system call
        }
    }

    /** Records polled but not handed out of these partitions are dropped: their next owner reads them again. */
    void dropWaiting(Collection<TopicPartition> partitions) {
        backlog.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    }

    // ---- for the parts

    boolean stopping() {
        return stopping;
    }

    boolean holds(GroupDelivery delivery) {
        return committer.holds(delivery.home);
    }

    /** Rebalance callbacks run inside poll: a task's wake-up must not interrupt their blocking calls. */
    void pollInterrupted() {
        polling = false;
    }

    void assignmentReceived() {
        joined = true;
    }

    /** A task asked to start: end the poll now, or skip the next one. */
    void wakeUpForStart() {
        if (polling) {
            consumer.wakeup();
        }
    }
}
