package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A delivery of a share group's record ({@link ShareLaneConsumer}): the broker counted it when it locked
 * the record for this process, so starting records nothing, and a crash is charged by the broker's
 * delivery count. Ended, it is acknowledged {@code ACCEPT} ({@code REJECT} when dead-lettered); handed back, {@code RELEASE}; abandoned (the
 * process stops), fenced and released.
 */
final class ShareDelivery extends DeliveryBase {

    enum State { WAITING, RUNNING, FINISHING, ENDED, HANDED_BACK, ABANDONED }

    final ConsumerRecord<String, byte[]> record;
    final int bytes;
    private final ShareLaneConsumer.Slot slot;
    private final int deliveryCount;
    private final int deliveryLimit;
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private volatile boolean deadLettered;

    ShareDelivery(ShareLaneConsumer.Slot slot, ConsumerRecord<String, byte[]> record, int bytes, int deliveryLimit) {
        this.slot = slot;
        this.record = record;
        this.bytes = bytes;
        this.deliveryCount = record.deliveryCount().map(Short::intValue).orElse(1);
        this.deliveryLimit = deliveryLimit;
    }

    @Override
    String place() {
        return record.partition() + "@" + record.offset();
    }

    @Override
    public int priorStarts() {
        return deliveryCount - 1;
    }

    /** The broker's last delivery: if it ran and its worker died, the broker would archive the record without an outcome. */
    @Override
    public boolean exhausted() {
        return deliveryCount >= deliveryLimit;
    }

    @Override
    public boolean start() {
        return !slot.stopping() && state.compareAndSet(State.WAITING, State.RUNNING);
    }

    @Override
    public void pause() {
        state.compareAndSet(State.RUNNING, State.WAITING);
    }

    @Override
    public boolean finish() {
        return state.compareAndSet(State.RUNNING, State.FINISHING) || state.compareAndSet(State.WAITING, State.FINISHING);
    }

    @Override
    public boolean forwarding() {
        return state.compareAndSet(State.WAITING, State.FINISHING);
    }

    @Override
    public void done(boolean deadLettered) {
        this.deadLettered = deadLettered;
        if (state.compareAndSet(State.FINISHING, State.ENDED)) {
            slot.wake();
        }
    }

    @Override
    public void skip() {
        if (state.compareAndSet(State.WAITING, State.HANDED_BACK)) {
            slot.wake();
        }
    }

    @Override
    public boolean abandoned() {
        State s = state.get();
        return s == State.ABANDONED || s == State.WAITING && slot.stopping();
    }

    /** Slot thread: gives the delivery up unless its outcome is on its way; a running task is told to stop. Returns the state it had. */
    State abandon() {
        State previous = state.getAndUpdate(s -> s == State.WAITING || s == State.RUNNING ? State.ABANDONED : s);
        if (previous == State.RUNNING) {
            cancel();
        }
        return previous;
    }

    /** Ended with a dead letter: acknowledged {@code REJECT}, so the share group's records show what was given up on. */
    boolean deadLettered() {
        return deadLettered;
    }

    State state() {
        return state.get();
    }

    @Override
    public String toString() {
        return label() + " (" + state.get() + ", delivery " + deliveryCount + ")";
    }
}
