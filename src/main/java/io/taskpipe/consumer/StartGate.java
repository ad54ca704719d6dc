package io.taskpipe.consumer;

import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where "a suspect on its last chance runs alone" lives. A delivery passes the gate when its task
 * starts and leaves it when the task's outcome is durable, it backs off for a retry, or it is abandoned.
 *
 * <p>Most deliveries pass at once. One whose earlier deliveries started it and lost their process so
 * often that one more such loss gives it up ({@link GroupDelivery#runsAlone()}) waits until nothing else is
 * in progress, and nothing passes beside it: if the process dies now, the loss is charged to it alone,
 * and every other finished task is durable. Earlier suspects run beside the rest, so a crash that hit
 * hundreds of tasks in flight is recovered in about the time of one of them, not of all in a row.
 *
 * <p>Waits on a {@link ReentrantLock} rather than a monitor, so a waiting virtual thread never pins its carrier.
 */
final class StartGate {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int inside;
    private boolean loneInside;
    private int lonesWaiting;

    /**
     * Waits until a delivery may start ({@code alone}: a suspect on its last chance); false, without
     * passing, once {@code abandoned} says it was given up meanwhile.
     */
    boolean enter(boolean alone, BooleanSupplier abandoned) throws InterruptedException {
        lock.lock();
        try {
            if (alone) {
                lonesWaiting++;
            }
            try {
                while (!mayEnter(alone)) {
                    if (abandoned.getAsBoolean()) {
                        return false;
                    }
                    changed.await();
                }
            } finally {
                if (alone) {
                    lonesWaiting--;
                }
            }
            if (abandoned.getAsBoolean()) {
                return false;
            }
            inside++;
            loneInside |= alone;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean mayEnter(boolean alone) {
        return alone ? inside == 0 : !loneInside && lonesWaiting == 0;
    }

    void leave(boolean alone) {
        lock.lock();
        try {
            inside--;
            if (alone) {
                loneInside = false;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets waiters look again whether they were abandoned (a revoke, a stop). */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Deliveries inside now. */
    int inside() {
        lock.lock();
        try {
            return inside;
        } finally {
            lock.unlock();
        }
    }
}
