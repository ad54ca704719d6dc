package io.taskpipe.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.Lane;

import java.time.Instant;

/**
 * The record every task ends in, on {@code taskpipe.results} keyed by the ordering key: contract
 * version 1 (see {@code schema/result-v1.schema.json}).
 */
@JsonPropertyOrder({"version", "taskId", "type", "key", "seq", "status", "output", "error", "lane", "attempt",
        "worker", "source", "timing", "ordering"})
public record TaskResult(int version, String taskId, String type, String key, Long seq, Status status,
                         JsonNode output, Error error, Lane lane, int attempt, Worker worker, Source source,
                         Timing timing, Ordering ordering) {

    public enum Status { SUCCEEDED, FAILED, TIMED_OUT, REJECTED }

    /** Why a task did not succeed: a stable {@code code} (see {@link ErrorCode}) and a readable message. */
    public record Error(ErrorCode code, String message) {
    }

    /** The process and thread that ran the task. */
    public record Worker(String host, long pid, String thread, boolean virtual) {

        private static final String HOST = hostName();
        private static final long PID = ProcessHandle.current().pid();

        /** This process and the calling thread. */
        public static Worker current() {
            Thread thread = Thread.currentThread();
            String name = thread.getName().isEmpty() ? "virtual-" + thread.threadId() : thread.getName();
            return new Worker(HOST, PID, name, thread.isVirtual());
        }

        private static String hostName() {
            String fromEnv = System.getenv("HOSTNAME");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv;
            }
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }

    /** Where the lane that ran the task read it from. */
    public record Source(String topic, int partition, long offset) {
    }

    /**
     * When things happened. {@code enqueuedAt} is when the task reached the topic its lane reads;
     * {@code queueWaitMs} = started - enqueued, {@code serviceMs} = finished - started,
     * {@code endToEndMs} = finished - created; {@code cpuMs} is the thread's CPU time, null on virtual threads.
     */
    public record Timing(Instant createdAt, Instant enqueuedAt, Instant startedAt, Instant finishedAt,
                         double queueWaitMs, double serviceMs, double endToEndMs, Double cpuMs) {

        /** Derives the durations from the four instants; {@code cpuNanos} below zero means unknown. */
        public static Timing of(Instant createdAt, Instant enqueuedAt, Instant startedAt, Instant finishedAt, long cpuNanos) {
            return new Timing(createdAt, enqueuedAt, startedAt, finishedAt,
                    millis(enqueuedAt, startedAt), millis(startedAt, finishedAt), millis(createdAt, finishedAt),
                    cpuNanos < 0 ? null : Math.round(cpuNanos / 1e4) / 100.0);
        }

        private static double millis(Instant from, Instant to) {
            long nanos = java.time.Duration.between(from, to).toNanos();
            return Math.round(nanos / 1e4) / 100.0;
        }
    }

    /**
     * Ordering evidence: the lane's ordering mode, the highest {@code seq} of the same key this lane had
     * finished before, and whether this task finished after all of its key's lower sequence numbers.
     */
    public record Ordering(String mode, Long previousSeq, boolean inOrder) {
    }
}
