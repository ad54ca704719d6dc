package io.taskpipe.consumer;

import io.taskpipe.contract.RecordSize;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A lane that reads its topic as a member of a Kafka share group (KIP-932): records, not partitions, are
 * shared out, so any number of workers take work from one partition. Each slot is a share consumer of
 * its own that acquires one record at a time ({@code record_limit}, explicit acknowledgement): it hands
 * the record to the handler, renews the broker's lock on it every third of the lock's duration while the task
 * runs, and once the outcome is durable acknowledges it {@code ACCEPT} ({@code REJECT} when it was dead-lettered,
 * {@code RELEASE} when handed back),
 * committed before the slot takes another. The broker counts the deliveries: a worker that dies holding a
 * record has it delivered again, counted, to any member, until the broker's limit.
 *
 * <p>No order: records of one key run on any worker at once. {@link #stop} lets running tasks finish within
 * the grace, then fences and releases what is left, so no record waits for its lock to expire.
 */
public final class ShareLaneConsumer implements LaneFeed {

    private static final Logger LOG = Logger.getLogger(ShareLaneConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** The broker's shortest lock by default: the renewal interval's basis until the consumer knows the lock. */
    private static final int DEFAULT_LOCK_MS = 15_000;

    /**
     * @param deliveryLimit the broker's {@code group.share.delivery.count.limit}: its last delivery is not run
     *                      but ended as lost, since a crash then would leave the record without an outcome
     */
    public record Settings(String name, String topic, int slots, int deliveryLimit) {
    }

    private final Settings settings;
    private final Supplier<ShareConsumer<String, byte[]>> consumers;
    private final RecordHandler handler;
    private final Set<ShareDelivery> held = ConcurrentHashMap.newKeySet();
    private final List<Slot> slots = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long graceEndsNanos = Long.MAX_VALUE;

    public ShareLaneConsumer(Settings settings, Supplier<ShareConsumer<String, byte[]>> consumers, RecordHandler handler) {
        this.settings = settings;
        this.consumers = consumers;
        this.handler = handler;
    }

    @Override
    public synchronized void start() {
        if (slots.isEmpty()) {
            for (int i = 0; i < settings.slots(); i++) {
                slots.add(new Slot(i, consumers.get()));
            }
        }
    }

    @Override
    public void stop(Duration grace) {
        graceEndsNanos = System.nanoTime() + grace.toNanos();
        stopping = true;
        slots.forEach(Slot::wake);
        for (Slot slot : slots) {
            try {
                if (!slot.thread.join(grace.plusSeconds(10))) {
                    LOG.warnf("%s: slot %d did not stop in time", settings.name(), slot.index);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isAlive() {
        long now = System.nanoTime();
        return !slots.isEmpty() && slots.stream().allMatch(s -> s.thread.isAlive() && now - s.lastPollNanos < TimeUnit.MINUTES.toNanos(2));
    }

    @Override
    public Optional<Stall> stall() {
        long now = System.nanoTime();
        return held.stream().filter(d -> d.overdueNanos(now) > 0).max(Comparator.comparingLong(d -> d.overdueNanos(now)))
                .map(d -> new Stall(d.label(), Duration.ofNanos(d.overdueNanos(now))));
    }

    @Override
    public Duration oldestUnfinished() {
        long now = System.nanoTime();
        return Duration.ofNanos(held.stream().mapToLong(d -> now - d.handedOutNanos).max().orElse(0));
    }

    /** Every slot's consumer has polled: the group took it in (a share group assigns every member every partition). */
    @Override
    public boolean joined() {
        return !slots.isEmpty() && slots.stream().allMatch(s -> s.joined);
    }

    @Override
    public int outstanding() {
        return held.size();
    }

    @Override
    public long heldBytes() {
        return held.stream().mapToLong(d -> d.bytes).sum();
    }

    @Override
    public int uncommitted() {
        return held.size();
    }

    private boolean pastGrace() {
        return stopping && System.nanoTime() - graceEndsNanos >= 0;
    }

    /** One share consumer and the records it holds: one at a time, since a renewed record comes back before another is taken. */
    final class Slot {

        private final int index;
        private final ShareConsumer<String, byte[]> consumer;
        private final Semaphore ends = new Semaphore(0);
        private final List<ShareDelivery> mine = new ArrayList<>();
        private final Thread thread;
        private volatile boolean joined;
        private volatile long lastPollNanos = System.nanoTime();

        Slot(int index, ShareConsumer<String, byte[]> consumer) {
            this.index = index;
            this.consumer = consumer;
            this.thread = Thread.ofPlatform().name("taskpipe-" + settings.name() + "-share-" + index).start(this::loop);
        }

        /** A delivery of this slot ended, or the lane stops. */
        void wake() {
            ends.release();
        }

        boolean stopping() {
            return stopping;
        }

        private void loop() {
            try {
                consumer.subscribe(List.of(settings.topic()));
                while (!stopping || !mine.isEmpty()) {
                    List<ShareDelivery> returned = poll();
                    if (!returned.isEmpty()) {
                        awaitAnEnd(returned);
                        acknowledge(returned);
                    } else if (pastGrace()) {
                        break; // what is still away (renewing) is released by close()
                    }
                }
            } catch (InterruptException e) {
                LOG.debugf("%s: slot %d interrupted", settings.name(), index);
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: slot %d failed; its records go back to the group", settings.name(), index);
            } finally {
                mine.forEach(d -> {
                    d.abandon();
                    held.remove(d);
                });
                consumer.close(); // releases whatever it still holds
            }
        }

        /** Polls: new records are handed out (released at once while stopping), renewed ones come back. */
        private List<ShareDelivery> poll() {
            List<ShareDelivery> returned = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                ShareDelivery delivery = mine.stream().filter(d -> same(d.record, record)).findFirst().orElse(null);
                if (delivery == null) {
                    if (stopping) {
                        consumer.acknowledge(record, AcknowledgeType.RELEASE);
                        continue;
                    }
                    delivery = new ShareDelivery(this, record, RecordSize.of(record), settings.deliveryLimit());
                    mine.add(delivery);
                    held.add(delivery);
                    handler.handle(record, delivery);
                }
                returned.add(delivery);
            }
            lastPollNanos = System.nanoTime();
            joined = true;
            return returned;
        }

        /** Waits until one of the records in hand ends, their locks are due for renewal, or the stop's grace is over. */
        private void awaitAnEnd(List<ShareDelivery> inHand) {
            long lockNanos = TimeUnit.MILLISECONDS.toNanos(consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MS));
            long renewAt = System.nanoTime() + lockNanos / 3; // a renewal takes a poll to go out and another to come back
            try {
                while (inHand.stream().noneMatch(Slot::settled) && !pastGrace()) {
                    long until = stopping ? Math.min(renewAt, graceEndsNanos) : renewAt;
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    ends.tryAcquire(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Every record in hand must be acknowledged before the next poll: ended ones {@code ACCEPT}, handed back
         * or fenced ones {@code RELEASE}, running ones {@code RENEW}. The acknowledgements are committed at once:
         * a settled record's before the slot takes another, a renewal's so that the renewed record comes back with
         * the next poll rather than leaving room for a new one.
         */
        private void acknowledge(List<ShareDelivery> inHand) {
            for (ShareDelivery delivery : inHand) {
                if (!settled(delivery) && pastGrace()) {
                    delivery.abandon();
                }
                AcknowledgeType type = switch (delivery.state()) {
                    case ENDED -> delivery.deadLettered() ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT;
                    case HANDED_BACK, ABANDONED -> AcknowledgeType.RELEASE;
                    case WAITING, RUNNING, FINISHING -> AcknowledgeType.RENEW;
                };
                consumer.acknowledge(delivery.record, type);
                if (type != AcknowledgeType.RENEW) {
                    mine.remove(delivery);
                    held.remove(delivery);
                }
            }
            consumer.commitSync().forEach((partition, failure) -> failure.ifPresent(e -> LOG.warnf(
                    "%s: the broker refused an acknowledgement on %s (%s); a record whose lock ran out runs again", settings.name(), partition, e)));
        }

        private static boolean settled(ShareDelivery delivery) {
            ShareDelivery.State state = delivery.state();
            return state == ShareDelivery.State.ENDED || state == ShareDelivery.State.HANDED_BACK || state == ShareDelivery.State.ABANDONED;
        }

        private static boolean same(ConsumerRecord<?, ?> a, ConsumerRecord<?, ?> b) {
            return a.offset() == b.offset() && a.partition() == b.partition() && a.topic().equals(b.topic());
        }
    }
}
