package io.taskpipe.consumer;

import org.apache.kafka.common.errors.WakeupException;

import java.util.function.Supplier;

/** A task asking to start wakes the consumer, which may then interrupt any blocking call once: retry the call. */
final class Wakeups {

    private Wakeups() {
    }

    static <T> T retry(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (WakeupException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }
}
