package io.taskpipe.consumer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Synchronous starts: a task thread asks for its start to be committed and waits; the poll thread (the
 * only one that may touch the consumer) grants every start that asked since its last turn with one
 * commit, which carries every finished offset too, so a crash replays only what was in flight.
 *
 * <p>A commit can fail while the group rebalances: the starts then keep waiting and are tried again on
 * the next turn. A start is turned away only when its delivery is abandoned (its partition left this
 * process, or the lane stops): were it skipped while its key's later tasks ran, the key's order would break.
 */
final class StartCommits {

    private record Request(GroupDelivery delivery, CompletableFuture<Boolean> granted) {
    }

    private final LaneConsumer lane;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Request> pending = new ArrayList<>();
    private volatile boolean closed;

    StartCommits(LaneConsumer lane) {
        this.lane = lane;
    }

    /** Task thread: blocks until the delivery's start is committed (true) or turned away (false). */
    boolean commit(GroupDelivery delivery) throws InterruptedException {
        Request request = new Request(delivery, new CompletableFuture<>());
        requests.add(request);
        if (closed) {
            request.granted().complete(false); // the poll thread is gone: nobody will grant it
        }
        lane.wakeUpForStart();
        try {
            return request.granted().get();
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** Whether starts asked since the last turn (the poll loop should not wait for records). */
    boolean asked() {
        return !requests.isEmpty();
    }

    /** Whether granted starts wait for a commit to succeed (the poll loop should come round soon). */
    boolean retrying() {
        return !pending.isEmpty();
    }

    /** Poll thread: counts every start that asked and commits them with everything else in one commit. */
    void grant() {
        requests.drainTo(pending);
        if (pending.isEmpty()) {
            return;
        }
        // what was reported before these starts asked (a finish that let a suspect's successor in) goes into their commit
        lane.reports.applyAll();
        List<Request> granted = new ArrayList<>();
        for (Iterator<Request> it = pending.iterator(); it.hasNext(); ) {
            Request request = it.next();
            GroupDelivery delivery = request.delivery();
            if (!delivery.abandoned() && lane.holds(delivery) && delivery.markRunning()) {
                lane.unfinished.countStart(delivery);
                granted.add(request);
            } else {
                request.granted().complete(false);
            }
            it.remove();
        }
        if (granted.isEmpty()) {
            return;
        }
        lane.committer.widenWindows(); // a start window, if the lane keeps one, then covers these too
        if (lane.committer.commitAll(true)) {
            granted.forEach(request -> request.granted().complete(true));
            return;
        }
        for (Request request : granted) {
            lane.unfinished.uncountStart(request.delivery());
            request.delivery().markWaiting();
            pending.add(request);
        }
    }

    /** Poll thread: turns away the starts whose delivery was abandoned meanwhile. */
    void turnAwayAbandoned() {
        requests.drainTo(pending);
        pending.removeIf(request -> {
            if (!request.delivery().abandoned()) {
                return false;
            }
            request.granted().complete(false);
            return true;
        });
    }

    /** Poll thread, as the lane closes: turns every start away, now and later. */
    void close() {
        closed = true;
        requests.drainTo(pending);
        pending.forEach(request -> request.granted().complete(false));
        pending.clear();
    }
}
