package io.taskpipe.lanes;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The offsets of one partition handed to a lane and not yet committable. Tasks finish in any order;
 * the committable position only moves over a contiguous run of finished offsets, so a commit never
 * skips a task that has not produced its result. Used by the poll thread only.
 */
final class OffsetTracker {

    private final ArrayDeque<Long> handedOut = new ArrayDeque<>();
    private final Set<Long> finishedAhead = new HashSet<>();
    private long committable = -1;

    /** Records an offset handed to the lane; offsets arrive in increasing order. */
    void track(long offset) {
        handedOut.addLast(offset);
    }

    /** Marks an offset finished and moves the committable position over every finished head. */
    void done(long offset) {
        if (handedOut.isEmpty() || offset < handedOut.peekFirst()) {
            return;
        }
        finishedAhead.add(offset);
        while (!handedOut.isEmpty() && finishedAhead.remove(handedOut.peekFirst())) {
            committable = handedOut.pollFirst() + 1;
        }
    }

    /** The next offset to consume, to be committed; -1 while nothing has finished. */
    long committable() {
        return committable;
    }

    /** Offsets handed out and not finished. */
    int pending() {
        return handedOut.size() - finishedAhead.size();
    }
}
