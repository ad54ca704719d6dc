package io.taskpipe.consumer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A delivery from a consumer group's partition ({@link LaneConsumer}): its start is recorded in the
 * partition's commit metadata (through the {@link StartGate} and, where it must be, a commit first), so
 * a redelivery after a crash knows how often the record was started; an abandoned one is run by the
 * partition's next owner.
 */
final class GroupDelivery extends DeliveryBase {

    enum State { WAITING, RUNNING, FINISHING, ENDED, ABANDONED }

    private final LaneConsumer lane;
    final PartitionState home;
    final long offset;
    final int bytes;
    private final int priorStarts;
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final AtomicBoolean inGate = new AtomicBoolean();
    /** Whether this delivery's start is counted in its partition's progress. Poll thread only. */
    boolean startCounted;

    GroupDelivery(LaneConsumer lane, PartitionState home, long offset, int priorStarts, int bytes) {
        this.lane = lane;
        this.home = home;
        this.offset = offset;
        this.priorStarts = priorStarts;
        this.bytes = bytes;
    }

    @Override
    String place() {
        return home.partition + "@" + offset;
    }

    @Override
    public int priorStarts() {
        return priorStarts;
    }

    @Override
    public boolean exhausted() {
        return priorStarts >= lane.settings.maxDeliveries();
    }

    /** One more loss while running gives it up: it runs alone (see {@link StartGate}). */
    boolean runsAlone() {
        return suspect() && priorStarts >= lane.settings.maxDeliveries() - 1;
    }

    /**
     * The task starts: passes the {@link StartGate}, and records the start in the partition's commit
     * metadata, so a task that was running when its process died is known on redelivery. Where the start
     * must be committed first ({@link #commitFirst()}) this blocks until it is, so even a task that kills
     * its process at once is charged for it. Returns false when the task must not run (abandoned): then
     * call {@link #skip()}.
     */
    @Override
    public boolean start() throws InterruptedException {
        if (!lane.gate.enter(runsAlone(), this::abandoned)) {
            return false;
        }
        inGate.set(true);
        boolean started = commitFirst() ? lane.startCommits.commit(this) : startAs(State.RUNNING);
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

    /** Leaves WAITING for {@code next}, recording the start (a forward counts as one); false when fenced. */
    private boolean startAs(State next) {
        if (!state.compareAndSet(State.WAITING, next)) {
            return false;
        }
        lane.report(this, Reports.Kind.STARTED);
        return true;
    }

    @Override
    public void pause() {
        if (leave(State.RUNNING, State.WAITING, Reports.Kind.UNSTARTED)) {
            expectNoOutcome();
        }
    }

    @Override
    public boolean finish() {
        return state.compareAndSet(State.RUNNING, State.FINISHING) || state.compareAndSet(State.WAITING, State.FINISHING);
    }

    @Override
    public boolean forwarding() {
        return startAs(State.FINISHING);
    }

    @Override
    public void done(boolean deadLettered) {
        leave(State.FINISHING, State.ENDED, Reports.Kind.DONE);
    }

    @Override
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

    @Override
    public boolean abandoned() {
        return state.get() == State.ABANDONED || !home.owned || lane.stopping();
    }

    /** Poll thread: the lane gives this delivery up; a running task is told to stop. Returns the state it had. */
    State abandon() {
        State previous = state.getAndUpdate(s -> s == State.WAITING || s == State.RUNNING ? State.ABANDONED : s);
        if (previous == State.RUNNING) {
            cancel();
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
