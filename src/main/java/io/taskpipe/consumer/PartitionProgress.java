package io.taskpipe.consumer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a lane knows about one partition beyond its committed position, and what it commits so the
 * next owner knows it too (as Confluent's Parallel Consumer does, in the commit's metadata):
 * <ul>
 *   <li>offsets whose task <b>started</b>, with how many times: a task that was running when its
 *       process died is known on redelivery, counted, and given up on after too many deliveries;</li>
 *   <li>offsets <b>finished</b> above the position (tasks finish out of order): they are not run again
 *       by the next owner;</li>
 *   <li>the <b>start window</b> (with {@code start-commit=AHEAD}): offsets below it may start before their
 *       start is committed. An owner that dies leaves its window open, and the next owner charges one
 *       start to every unfinished offset in it whose start the dead owner did not record, as far as the
 *       log reached when it took over (the dead owner never saw more), and starts those only once
 *       committed ({@link #exactUntil()}). A clean hand-over ({@link #release()}) closes the window.</li>
 * </ul>
 * The position itself only moves over a contiguous run of finished offsets. Used by the poll thread only.
 *
 * <p>Metadata format: {@code v2}, then {@code w}<i>window end</i> while a window is open and
 * {@code x}<i>offset</i> while offsets below it start only once committed, then {@code :} and runs from
 * the position upwards: a state character followed by the run's length when above 1; {@code _} nothing
 * known, {@code +} finished, {@code a}..{@code z} started 1..26 times by earlier owners, {@code A}..{@code Z}
 * the same with the committing owner's own start among them. Example: position 100 and {@code v2w140:a_3+2B}
 * mean 100 started once before, 101-103 nothing known, 104-105 finished, 106 started twice, once by this
 * owner, and offsets up to 139 may have started unrecorded. {@code v1:} (runs only, {@code D} finished,
 * no own starts) is read too.
 */
final class PartitionProgress {

    static final String VERSION = "v2";
    private static final String VERSION_1 = "v1:";
    private static final char DONE = '+';
    private static final char DONE_V1 = 'D';
    private static final char UNKNOWN = '_';
    private static final int MAX_COUNTED_STARTS = 26;
    /** No owner holds more unfinished offsets than this: a wider window in metadata is not taskpipe's. */
    private static final long MAX_CHARGED = 1 << 20;

    /** What a delivered record is, given what earlier owners recorded. */
    record Delivery(boolean alreadyDone, int priorStarts) {
    }

    private final ArrayDeque<Long> handedOut = new ArrayDeque<>();
    // sorted, so what falls below the position is cut off without a walk over all of it
    private final TreeMap<Long, Integer> starts = new TreeMap<>();
    /** Offsets whose count includes a start by this owner. */
    private final TreeSet<Long> ownStarts = new TreeSet<>();
    private final TreeMap<Long, Boolean> finished = new TreeMap<>();
    private final int maxMetadataChars;
    private final int windowSize;
    private long position;
    /** One past the highest offset handed out. */
    private long frontier;
    /** The start window's end ({@link #window()}). */
    private long window;
    /** What a dead owner's window covered ({@link #exactUntil()}). */
    private long exactUntil;
    /** Handed over cleanly: the window is closed. */
    private boolean released;

    /** Whether this metadata's owner left a start window open: it died, or lost the partition, holding it. */
    static boolean windowLeftOpen(String metadata) {
        try {
            return metadata != null && metadata.startsWith(VERSION) && metadata.indexOf(':') > 0 && header(metadata).containsKey('w');
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Takes over from what was committed: the next offset to consume ({@code position}) and the
     * {@code metadata} (or null), whose open window is charged below {@code logEnd}, where the log ended
     * now ({@code Long.MAX_VALUE}: all of it). {@code windowSize}: offsets this owner's start window
     * reaches beyond the highest handed out; 0 for none.
     */
    PartitionProgress(long position, String metadata, long logEnd, int maxMetadataChars, int windowSize) {
        this.maxMetadataChars = maxMetadataChars;
        this.windowSize = windowSize;
        this.position = this.frontier = position;
        Set<Long> previousOwnerStarts = new HashSet<>();
        try {
            chargeOpenWindow(restore(metadata, previousOwnerStarts), logEnd, previousOwnerStarts);
        } catch (RuntimeException e) { // not what taskpipe writes (another tool committed to the group): nothing known
            starts.clear();
            finished.clear();
            exactUntil = 0;
        }
    }

    /**
     * Taking over from an owner that left its window open: one start more for every unfinished offset in
     * it, below {@code logEnd}, whose start that owner did not record; those offsets then start only once
     * committed, so a task that keeps killing its process is charged exactly from its second run on.
     */
    private void chargeOpenWindow(long openWindow, long logEnd, Set<Long> previousOwnerStarts) {
        long from = Math.max(position, exactUntil);
        long to = Math.min(Math.min(openWindow, logEnd), from + MAX_CHARGED);
        for (long offset = from; offset < to; offset++) {
            if (!finished.containsKey(offset) && !previousOwnerStarts.contains(offset)) {
                starts.merge(offset, 1, Integer::sum);
            }
        }
        exactUntil = Math.max(exactUntil, to);
    }

    /** Classifies a delivered record and starts tracking it. */
    Delivery delivered(long offset) {
        handedOut.addLast(offset);
        frontier = Math.max(frontier, offset + 1);
        return new Delivery(finished.containsKey(offset), starts.getOrDefault(offset, 0));
    }

    /** Records one more start of the task at {@code offset}, by this owner; returns its attempt number. */
    int started(long offset) {
        ownStarts.add(offset);
        return starts.merge(offset, 1, Integer::sum);
    }

    /** Takes back a start whose commit failed (the task did not run). */
    void unstarted(long offset) {
        if (ownStarts.remove(offset)) {
            starts.computeIfPresent(offset, (o, count) -> count > 1 ? count - 1 : null);
        }
    }

    /**
     * Widens the start window when less than half of it is left beyond what was handed out; true if it
     * did (then it needs committing).
     */
    boolean widenWindow() {
        if (windowSize == 0 || released || frontier + windowSize / 2 < window) {
            return false;
        }
        window = frontier + windowSize;
        return true;
    }

    /** Offsets below it may start before their start is committed, once a commit of it succeeded. */
    long window() {
        return released ? 0 : window;
    }

    /** Offsets below it start only once their start is committed: a dead owner's open window. */
    long exactUntil() {
        return exactUntil;
    }

    /** The partition is handed over cleanly: every start that counts is recorded, the window closes. */
    void release() {
        released = true;
    }

    /** Marks an offset finished and moves the position over every finished head. */
    void done(long offset) {
        if (offset < position) {
            return;
        }
        finished.put(offset, Boolean.TRUE);
        while (!handedOut.isEmpty() && finished.containsKey(handedOut.peekFirst())) {
            long head = handedOut.pollFirst();
            position = head + 1;
        }
        forgetBelowPosition();
    }

    /** With nothing handed out unfinished, moves the position up to {@code next} (offsets the consumer skipped). */
    void skipTo(long next) {
        if (handedOut.isEmpty() && next > position) {
            position = next;
            frontier = Math.max(frontier, next);
            forgetBelowPosition();
        }
    }

    private void forgetBelowPosition() {
        finished.headMap(position).clear();
        starts.headMap(position).clear();
        ownStarts.headSet(position).clear();
    }

    /** The next offset to consume: what is committed. */
    long position() {
        return position;
    }

    /** Offsets handed out and not finished. */
    int pending() {
        return (int) handedOut.stream().filter(o -> !finished.containsKey(o)).count();
    }

    /** The state above the position, as committed metadata (the far end is dropped if it grows too long). */
    String metadata() {
        TreeMap<Long, Character> states = new TreeMap<>();
        starts.forEach((offset, count) -> states.put(offset,
                (char) ((ownStarts.contains(offset) ? 'A' : 'a') + Math.min(count, MAX_COUNTED_STARTS) - 1)));
        finished.keySet().forEach(offset -> states.put(offset, DONE));
        StringBuilder head = new StringBuilder(VERSION);
        if (window() > 0) {
            head.append('w').append(window);
        }
        if (exactUntil > position) {
            head.append('x').append(exactUntil);
        }
        Runs runs = new Runs();
        long next = position;
        for (Map.Entry<Long, Character> entry : states.entrySet()) {
            if (head.length() + runs.length() > maxMetadataChars - 16) {
                break; // losing the far end only means those tasks may run again
            }
            runs.add(UNKNOWN, entry.getKey() - next);
            runs.add(entry.getValue(), 1);
            next = entry.getKey() + 1;
        }
        return head.append(':').append(runs).toString();
    }

    /** The fields between the version and the colon: a letter and a number each. */
    private static Map<Character, Long> header(String metadata) {
        Map<Character, Long> fields = new HashMap<>();
        int end = metadata.indexOf(':');
        int i = VERSION.length();
        while (i < end) {
            char name = metadata.charAt(i++);
            int digits = i;
            while (i < end && Character.isDigit(metadata.charAt(i))) {
                i++;
            }
            fields.put(name, digits == i ? 0 : Long.parseLong(metadata.substring(digits, i)));
        }
        return fields;
    }

    /** Reads what the previous owner committed; returns the end of the window it left open, or 0. */
    private long restore(String metadata, Set<Long> previousOwnerStarts) {
        long openWindow = 0;
        int runsFrom;
        char done = DONE;
        if (metadata != null && metadata.startsWith(VERSION) && metadata.indexOf(':') > 0) {
            Map<Character, Long> fields = header(metadata);
            openWindow = fields.getOrDefault('w', 0L);
            exactUntil = fields.getOrDefault('x', 0L);
            runsFrom = metadata.indexOf(':') + 1;
        } else if (metadata != null && metadata.startsWith(VERSION_1)) {
            runsFrom = VERSION_1.length();
            done = DONE_V1;
        } else {
            return 0;
        }
        long offset = position;
        int i = runsFrom;
        while (i < metadata.length()) {
            char state = metadata.charAt(i++);
            int digits = i;
            while (i < metadata.length() && Character.isDigit(metadata.charAt(i))) {
                i++;
            }
            long length = digits == i ? 1 : Long.parseLong(metadata.substring(digits, i));
            for (long o = offset; o < offset + length; o++) {
                if (state == done) {
                    finished.put(o, Boolean.TRUE);
                } else if (state >= 'a' && state <= 'z') {
                    starts.put(o, state - 'a' + 1);
                } else if (state >= 'A' && state <= 'Z') {
                    starts.put(o, state - 'A' + 1);
                    previousOwnerStarts.add(o);
                }
            }
            offset += length;
        }
        return openWindow;
    }
}
