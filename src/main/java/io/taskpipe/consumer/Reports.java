package io.taskpipe.consumer;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What task threads report about their deliveries (a start, a back-off, an outcome made durable, a hand-back),
 * queued for the poll thread, which alone applies them to the partitions' progress.
 */
final class Reports {

    enum Kind { STARTED, UNSTARTED, DONE, SKIPPED }

    private record Report(GroupDelivery delivery, Kind kind) {
    }

    private final LinkedBlockingQueue<Report> queue = new LinkedBlockingQueue<>();
    private final OffsetCommitter committer;
    private final Unfinished unfinished;

    Reports(OffsetCommitter committer, Unfinished unfinished) {
        this.committer = committer;
        this.unfinished = unfinished;
    }

    /** Any thread. */
    void add(GroupDelivery delivery, Kind kind) {
        queue.add(new Report(delivery, kind));
    }

    /** Poll thread: applies every report that came. */
    void applyAll() {
        for (Report report; (report = queue.poll()) != null; ) {
            apply(report);
        }
    }

    /** Poll thread: waits up to {@code nanos} for a report, then applies every report that came. */
    void applyWithin(long nanos) {
        try {
            Report report = queue.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            if (report != null) {
                apply(report);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applyAll();
    }

    private void apply(Report report) {
        GroupDelivery delivery = report.delivery();
        if (!committer.holds(delivery.home)) {
            return; // its partition left this process
        }
        switch (report.kind()) {
            case STARTED -> unfinished.countStart(delivery);
            case UNSTARTED -> unfinished.uncountStart(delivery);
            case DONE -> {
                delivery.home.progress.done(delivery.offset);
                committer.finished();
                unfinished.finished(delivery);
            }
            case SKIPPED -> unfinished.finished(delivery);
        }
    }
}
