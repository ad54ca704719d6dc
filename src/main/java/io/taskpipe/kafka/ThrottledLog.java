package io.taskpipe.kafka;

import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * A warning logged at most once per period, with how many were held back: heartbeats, lag and followed
 * topics are looked at every second, and a broker that is away must not fill the log at that pace.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long periodNanos;
    private long lastNanos;
    private boolean logged;
    private int suppressed;

    public ThrottledLog(Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    /** Logs {@code message} and its cause unless a warning was logged less than a period ago. */
    public synchronized void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        if (logged && now - lastNanos < periodNanos) {
            suppressed++;
            return;
        }
        String held = suppressed == 0 ? "" : " (" + suppressed + " more such warning(s) since the last one)";
        log.warnf("%s: %s%s", message, cause, held);
        logged = true;
        lastNanos = now;
        suppressed = 0;
    }
}
