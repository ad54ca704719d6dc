package io.taskpipe.intake;

/**
 * What an ordering key (the record key, or a task's {@code key}) and a task id may be: 1 to
 * {@link #MAX_LENGTH} characters without control characters. Keys travel into every result, the ordering
 * ledger and log lines; a megabyte key or one that rewrites a terminal line has no place there.
 */
final class Keys {

    static final int MAX_LENGTH = 200;

    private Keys() {
    }

    /** Why {@code key} is not a valid key, or null when it is; {@code what} names it in the sentence. */
    static String problem(String what, String key) {
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return what + " must be 1 to " + MAX_LENGTH + " characters, not " + key.length();
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return what + " must not contain control characters";
        }
        return null;
    }
}
