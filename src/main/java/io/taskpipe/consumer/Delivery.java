package io.taskpipe.consumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One record handed to a lane, from hand-out to its outcome: the handle a task uses to start, to back
 * off for a retry, to claim the right to publish its outcome, and to report that outcome durable.
 * Thread-safe.
 *
 * <pre>
 *   WAITING ──start()──► RUNNING ──finish()──► FINISHING ──done()──► ENDED
 *      ▲                    │                     ▲
 *      └──────pause()───────┘      (a task that never runs: finish() from WAITING)
 *   WAITING, RUNNING ──(revoke, loss, stop)──► ABANDONED
 * </pre>
 *
 * An abandoned delivery is one this process gave up: its partition's next owner runs it. It may not
 * start, and whatever it ends in is fenced: {@link #finish()} refuses, so nothing is published. A
 * delivery already publishing its outcome is let finish.
 */
public final class Delivery {

    enum State { WAITING, RUNNING, FINISHING, ENDED, ABANDONED }

    private static final long NO_EXPECTATION = Long.MAX_VALUE;

    private final LaneConsumer lane;
    final PartitionState home;
    final long offset;
    final int bytes;
    private final int priorStarts;
    final long handedOutNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final AtomicBoolean inGate = new AtomicBoolean();
    private volatile String label;
    private volatile long mustEndByNanos = NO_EXPECTATION;
    private volatile Runnable onAbandon = () -> { };
    /** Whether this delivery's start is counted in its partition's progress. Poll thread only. */
    boolean startCounted;

    Delivery(LaneConsumer lane, PartitionState home, long offset, int priorStarts, int bytes) {
        this.lane = lane;
        this.home = home;
        this.offset = offset;
        this.priorStarts = priorStarts;
        this.bytes = bytes;
    }

    /** How many earlier deliveries of this record started it and lost their process. */
    public int priorStarts() {
        return priorStarts;
    }

    /** A suspect: an earlier delivery started it and lost its process. */
    public boolean suspect() {
        return priorStarts > 0;
    }

    /** Earlier deliveries lost their process {@code maxDeliveries} times running it: give it up. */
    public boolean exhausted() {
        return priorStarts >= lane.settings.maxDeliveries();
    }

    /** The attempt this delivery's first run is: 1 unless earlier deliveries started it. */
    public int attempt() {
        return priorStarts + 1;
    }

    /** One more loss while running gives it up: it runs alone (see {@link StartGate}). */
    boolean runsAlone() {
        return suspect() && priorStarts >= lane.settings.maxDeliveries() - 1;
    }

    /** Names this delivery in health reports and logs (a task id). */
    public Delivery label(String name) {
        this.label = name;
        return this;
    }

    public String label() {
        String name = label;
        return name != null ? name : home.partition + "@" + offset;
    }

    /** Its outcome is due within {@code time} from now; later, the lane reports itself stalled, naming it. */
    public void expectOutcomeWithin(Duration time) {
        long nanos = time.toNanos();
        mustEndByNanos = nanos >= NO_EXPECTATION / 2 ? NO_EXPECTATION : System.nanoTime() + nanos;
    }

    /** What to do when the lane abandons this delivery while it runs: stop its task (an interrupt). */
    public void onAbandon(Runnable cancel) {
        this.onAbandon = cancel;
    }

    /**
     * The task starts: passes the {@link StartGate}, and records the start in the partition's commit
     * metadata, so a task that was running when its process died is known on redelivery. Where the start
     * must be committed first ({@link #commitFirst()}) this blocks until it is, so even a task that kills
     * its process at once is charged for it. Returns false when the task must not run (abandoned): then
     * call {@link #skip()}.
     */
    public boolean start() throws InterruptedException {
        if (!lane.gate.enter(runsAlone(), this::abandoned)) {
            return false;
        }
        inGate.set(true);
        boolean started = commitFirst() ? lane.startCommits.commit(this) : startNow();
        if (!started) {
            leaveGate();
        }
        return started;
    }

    /**
     * Whether this start is committed before the task runs: with {@code EACH}; with {@code AHEAD} outside the
     * acknowledged start window; always for a suspect on its last chance and for what a dead owner's open
     * window covered (see {@link PartitionProgress}).
     */
    private boolean commitFirst() {
        return runsAlone() || offset < home.exactUntil || switch (lane.settings.startCommit()) {
            case EACH -> true;
            case AHEAD -> offset >= home.startableUntil;
            case LATER -> false;
        };
    }

    private boolean startNow() {
        if (!state.compareAndSet(State.WAITING, State.RUNNING)) {
            return false;
        }
        lane.report(this, Reports.Kind.STARTED);
        return true;
    }

    /** The task stopped without an outcome and will run again after a backoff: its start is taken back. */
    public void pause() {
        if (leave(State.RUNNING, State.WAITING, Reports.Kind.UNSTARTED)) {
            mustEndByNanos = NO_EXPECTATION;
        }
    }

    /** Claims the right to publish this delivery's outcome; false when the lane gave it up (fenced). */
    public boolean finish() {
        return state.compareAndSet(State.RUNNING, State.FINISHING) || state.compareAndSet(State.WAITING, State.FINISHING);
    }

    /**
     * Claims the right to forward this record to another lane, recording the forward as a start (with
     * the next commit), so a record forwarded again after a crash says so; false when fenced.
     */
    public boolean forwarding() {
        if (!state.compareAndSet(State.WAITING, State.FINISHING)) {
            return false;
        }
        lane.report(this, Reports.Kind.STARTED);
        return true;
    }

    /** The outcome claimed with {@link #finish()} or {@link #forwarding()} is durable: the record is finished. */
    public void done() {
        leave(State.FINISHING, State.ENDED, Reports.Kind.DONE);
    }

    /** The record is handed back unrun; its partition's next owner will run it. */
    public void skip() {
        leave(State.WAITING, State.ENDED, Reports.Kind.SKIPPED);
    }

    /**
     * Moves from {@code from} to {@code to}, reports it, and leaves the start gate. The report comes first: a
     * start let in by this leaving then commits this report with it (a finish before a suspect's successor).
     */
    private boolean leave(State from, State to, Reports.Kind kind) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        lane.report(this, kind);
        leaveGate();
        return true;
    }

    /** True once this process gave the record up or stops: it must not start. */
    public boolean abandoned() {
        return state.get() == State.ABANDONED || !home.owned || lane.stopping();
    }

    /** Poll thread: the lane gives this delivery up; a running task is told to stop. Returns the state it had. */
    State abandon() {
        State previous = state.getAndUpdate(s -> s == State.WAITING || s == State.RUNNING ? State.ABANDONED : s);
        if (previous == State.RUNNING) {
            onAbandon.run();
        }
        if (previous == State.WAITING || previous == State.RUNNING) {
            leaveGate();
        }
        return previous;
    }

    /** Poll thread, granting a committed start. */
    boolean markRunning() {
        return state.compareAndSet(State.WAITING, State.RUNNING);
    }

    /** Poll thread, when a start's commit failed and will be tried again. */
    void markWaiting() {
        state.compareAndSet(State.RUNNING, State.WAITING);
    }

    /** Running or publishing its outcome here. */
    boolean inProgress() {
        State s = state.get();
        return s == State.RUNNING || s == State.FINISHING;
    }

    /** Nanoseconds past the moment its outcome was due, or a negative number. */
    long overdueNanos(long now) {
        long due = mustEndByNanos;
        return due == NO_EXPECTATION ? -1 : now - due;
    }

    private void leaveGate() {
        if (inGate.compareAndSet(true, false)) {
            lane.gate.leave(runsAlone());
        }
    }

    @Override
    public String toString() {
        return label() + " (" + state.get() + ")";
    }
}
