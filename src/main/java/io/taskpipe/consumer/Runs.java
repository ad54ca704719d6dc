package io.taskpipe.consumer;

/**
 * Run-length encoding of consecutive offsets' states, as {@link PartitionProgress} commits them: a state,
 * then the run's length when above 1.
 */
final class Runs {

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
