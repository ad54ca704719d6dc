package io.taskpipe.load;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The live one-line progress display: sent, done, in flight, the result rate of the last second and
 * the p99 latency so far. On a terminal the line rewrites itself; otherwise (CI logs) a line is
 * printed every five seconds.
 */
final class ProgressLine implements Consumer<LoadRun> {

    private static final long PRINT_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private long lastDone;
    private long lastNanos;
    private long lastPrinted = -PRINT_EVERY_NANOS;
    private String line = "";

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void accept(LoadRun run) {
        long now = run.elapsedNanos();
        RunStats stats = run.stats();
        long done = stats.done();
        double rate = now > lastNanos ? (done - lastDone) / ((now - lastNanos) / 1e9) : 0;
        lastDone = done;
        lastNanos = now;
        line = String.format("[%5.1f s / %.0f s] sent %,d of %,d  done %,d  in flight %,d  rate %,.0f/s  p99 %,.1f ms",
                now / 1e9, run.schedule().length().toMillis() / 1e3, stats.sent(), run.schedule().count(), done,
                stats.sent() - done, rate, stats.p99Ms());
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
        } else if (now - lastPrinted >= PRINT_EVERY_NANOS) {
            out.println(line);
            lastPrinted = now;
        }
    }

    /** Ends the display: the rewritten line is closed, or (in a log) the final state printed. */
    void finish() {
        out.println(terminal ? "" : line);
    }
}
