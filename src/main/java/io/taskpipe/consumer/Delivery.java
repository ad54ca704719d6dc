package io.taskpipe.consumer;

import java.time.Duration;

/**
 * One record handed to a lane, from hand-out to its outcome: the handle a task uses to start, to back
 * off for a retry, to claim the right to publish its outcome, and to report that outcome durable.
 * Thread-safe. How a delivery is charged for a crash and handed back depends on how the lane reads its
 * topic: a consumer group's partitions ({@link GroupDelivery}).
 *
 * <pre>
 *   WAITING ──start()──► RUNNING ──finish()──► FINISHING ──done(…)──► ENDED
 *      ▲                    │                     ▲
 *      └──────pause()───────┘      (a task that never runs: finish() from WAITING)
 *   WAITING, RUNNING ──(revoke, loss, stop)──► ABANDONED
 * </pre>
 *
 * An abandoned delivery is one this process gave up: another delivery of the record runs it. It may not
 * start, and whatever it ends in is fenced: {@link #finish()} refuses, so nothing is published. A
 * delivery already publishing its outcome is let finish.
 */
public interface Delivery {

    /** How many earlier deliveries of this record started it and lost their process. */
    int priorStarts();

    /** A suspect: an earlier delivery started it and lost its process. */
    default boolean suspect() {
        return priorStarts() > 0;
    }

    /** Earlier deliveries lost their process as often as the lane allows: give it up. */
    boolean exhausted();

    /** The attempt this delivery's first run is: 1 unless earlier deliveries started it. */
    default int attempt() {
        return priorStarts() + 1;
    }

    /** Names this delivery in health reports and logs (a task id). */
    Delivery label(String name);

    String label();

    /** Its outcome is due within {@code time} from now; later, the lane reports itself stalled, naming it. */
    void expectOutcomeWithin(Duration time);

    /** What to do when the lane abandons this delivery while it runs: stop its task (an interrupt). */
    void onAbandon(Runnable cancel);

    /**
     * The task starts, once the lane has recorded what it must so that a task that kills its process is
     * charged for it (this may block). Returns false when the task must not run (abandoned): then call
     * {@link #skip()}.
     */
    boolean start() throws InterruptedException;

    /** The task stopped without an outcome and will run again after a backoff: its start is taken back. */
    void pause();

    /** Claims the right to publish this delivery's outcome; false when the lane gave it up (fenced). */
    boolean finish();

    /**
     * Claims the right to forward this record to another lane, recording the forward as a start, so a
     * record forwarded again after a crash says so; false when fenced.
     */
    boolean forwarding();

    /**
     * The outcome claimed with {@link #finish()} or {@link #forwarding()} is durable: the record is finished;
     * {@code deadLettered} when the outcome includes a dead letter (a share group's record is then rejected, not accepted).
     */
    void done(boolean deadLettered);

    /** The record is handed back unrun; another delivery will run it. */
    void skip();

    /** True once this process gave the record up or stops: it must not start. */
    boolean abandoned();
}
