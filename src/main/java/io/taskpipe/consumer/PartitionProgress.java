package io.taskpipe.consumer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a lane knows about one partition beyond its committed position, and what it commits so the
 * next owner knows it too (as Confluent's Parallel Consumer does, in the commit's metadata):
 * <ul>
 *   <li>offsets whose task <b>started</b>, with how many times: a task that was running when its
 *       process died is known on redelivery, counted, and given up on after too many deliveries;</li>
 *   <li>offsets <b>finished</b> above the position (tasks finish out of order): they are not run again
 *       by the next owner.</li>
 * </ul>
 * The position itself only moves over a contiguous run of finished offsets. Used by the poll thread only.
 *
 * <p>Metadata format ({@code v1:} then runs from the position upwards): a state character followed by the
 * run's length when above 1; {@code _} nothing known, {@code D} finished, {@code a}..{@code z} started
 * 1..26 times. Example: position 100 and {@code v1:a_3D2b} mean 100 started once, 101-103 nothing known,
 * 104-105 finished, 106 started twice.
 */
final class PartitionProgress {

    static final String VERSION = "v1:";
    private static final char DONE = 'D';
    private static final char UNKNOWN = '_';
    private static final int MAX_COUNTED_STARTS = 26;

    /** What a delivered record is, given what earlier owners recorded. */
    record Delivery(boolean alreadyDone, int priorStarts) {
    }

    private final ArrayDeque<Long> handedOut = new ArrayDeque<>();
    private final Map<Long, Integer> starts = new HashMap<>();
    private final TreeMap<Long, Boolean> finished = new TreeMap<>();
    private final int maxMetadataChars;
    private long position;

    /**
     * @param position the committed position (next offset to consume)
     * @param metadata the committed metadata, or null
     */
    PartitionProgress(long position, String metadata, int maxMetadataChars) {
        this.position = position;
        this.maxMetadataChars = maxMetadataChars;
        restore(metadata);
    }

    /** Classifies a delivered record and starts tracking it. */
    Delivery delivered(long offset) {
        handedOut.addLast(offset);
        return new Delivery(finished.containsKey(offset), starts.getOrDefault(offset, 0));
    }

    /** Records one more start of the task at {@code offset}; returns its attempt number. */
    int started(long offset) {
        return starts.merge(offset, 1, Integer::sum);
    }

    /** Takes back a start whose commit failed (the task did not run). */
    void unstarted(long offset) {
        starts.computeIfPresent(offset, (o, count) -> count > 1 ? count - 1 : null);
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
        finished.headMap(position).clear();
        starts.keySet().removeIf(o -> o < position);
    }

    /** With nothing handed out unfinished, moves the position up to {@code next} (offsets the consumer skipped). */
    void skipTo(long next) {
        if (handedOut.isEmpty() && next > position) {
            position = next;
            finished.headMap(position).clear();
            starts.keySet().removeIf(o -> o < position);
        }
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
        starts.forEach((offset, count) -> states.put(offset, (char) ('a' + Math.min(count, MAX_COUNTED_STARTS) - 1)));
        finished.keySet().forEach(offset -> states.put(offset, DONE));
        Runs runs = new Runs();
        long next = position;
        for (Map.Entry<Long, Character> entry : states.entrySet()) {
            if (runs.length() > maxMetadataChars - 16) {
                break; // losing the far end only means those tasks may run again
            }
            runs.add(UNKNOWN, entry.getKey() - next);
            runs.add(entry.getValue(), 1);
            next = entry.getKey() + 1;
        }
        return VERSION + runs;
    }

    /** Run-length encoding of consecutive offsets' states. */
    private static final class Runs {
        private final StringBuilder out = new StringBuilder();
        private char state;
        private long length;

        void add(char nextState, long count) {
            if (count <= 0) {
                return;
            }
            if (nextState != state) {
                flush();
                state = nextState;
            }
            length += count;
        }

        int length() {
            return out.length();
        }

        private void flush() {
            if (length > 0) {
                out.append(state);
                if (length > 1) {
                    out.append(length);
                }
            }
            length = 0;
        }

        @Override
        public String toString() {
            flush();
            return out.toString();
        }
    }

    private void restore(String metadata) {
        if (metadata == null || !metadata.startsWith(VERSION)) {
            return;
        }
        long offset = position;
        int i = VERSION.length();
        while (i < metadata.length()) {
            char state = metadata.charAt(i++);
            int digits = i;
            while (i < metadata.length() && Character.isDigit(metadata.charAt(i))) {
                i++;
            }
            long length = digits == i ? 1 : Long.parseLong(metadata.substring(digits, i));
            for (long o = offset; o < offset + length; o++) {
                if (state == DONE) {
                    finished.put(o, Boolean.TRUE);
                } else if (state >= 'a' && state <= 'z') {
                    starts.put(o, state - 'a' + 1);
                }
            }
            offset += length;
        }
    }
}
