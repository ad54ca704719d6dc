package io.taskpipe.consumer;

import java.time.Duration;

/** What a delivery keeps whatever feeds it: a name for reports, when its outcome is due, how to stop its task. */
abstract class DeliveryBase implements Delivery {

    private static final long NO_EXPECTATION = Long.MAX_VALUE;

    final long handedOutNanos = System.nanoTime();
    private volatile String label;
    private volatile long mustEndByNanos = NO_EXPECTATION;
    private volatile Runnable onAbandon = () -> { };

    /** Its name until the task names it: where the record lies. */
    abstract String place();

    @Override
    public Delivery label(String name) {
        this.label = name;
        return this;
    }

    @Override
    public String label() {
        String name = label;
        return name != null ? name : place();
    }

    @Override
    public void expectOutcomeWithin(Duration time) {
        long nanos = time.toNanos();
        mustEndByNanos = nanos >= NO_EXPECTATION / 2 ? NO_EXPECTATION : System.nanoTime() + nanos;
    }

    /** No outcome is due: the task waits for a retry. */
    void expectNoOutcome() {
        mustEndByNanos = NO_EXPECTATION;
    }

    /** Nanoseconds past the moment its outcome was due, or a negative number. */
    long overdueNanos(long now) {
        long due = mustEndByNanos;
        return due == NO_EXPECTATION ? -1 : now - due;
    }

    @Override
    public void onAbandon(Runnable cancel) {
        this.onAbandon = cancel;
    }

    /** Tells a running task to stop (an interrupt). */
    void cancel() {
        onAbandon.run();
    }
}
