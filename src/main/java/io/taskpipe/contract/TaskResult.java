package io.taskpipe.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;

/**
 * The record every task ends in, on {@code taskpipe.results} keyed by the ordering key: contract
 * version 1 (see {@code schema/result-v1.schema.json}).
 */
@JsonPropertyOrder({"version", "taskId", "type", "key", "seq", "status", "output", "error", "lane", "attempt",
        "worker", "source", "timing", "ordering", "routing"})
public record TaskResult(int version, String taskId, String type, String key, Long seq, Status status,
                         JsonNode output, Error error, Lane lane, int attempt, Worker worker, Source source,
                         Timing timing, Ordering ordering, Routing routing) {

    public enum Status { SUCCEEDED, FAILED, TIMED_OUT, REJECTED }

    /** Longest echoed text (task id, type, key) in a result: an echo of hostile input must stay small. */
    public static final int MAX_ECHO_CHARS = 200;
    /** Longest error message in a result. */
    public static final int MAX_MESSAGE_CHARS = 2000;

    /** The one way results are made: a result about the task with these echoed fields (cut to size). */
    public static Builder about(String taskId, String type, String key, Long seq) {
        return new Builder(cut(taskId, MAX_ECHO_CHARS), cut(type, MAX_ECHO_CHARS), cut(key, MAX_ECHO_CHARS), seq);
    }

    /** A result about a task whose contract fields were read. */
    public static Builder about(Task task) {
        return about(task.id(), task.type(), task.key(), task.seq());
    }

    /** {@code text} cut to {@code max} characters (the last one an ellipsis when cut); null stays null. */
    public static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** What a result says besides the echoed task: its outcome, where it was read, who settled it and when. */
    public static final class Builder {
        private static final Ordering UNORDERED = new Ordering(OrderingMode.NONE.name(), null, true);

        private final String taskId;
        private final String type;
        private final String key;
        private final Long seq;
        private Status status;
        private JsonNode output;
        private Error error;
        private Lane lane;
        private int attempt = 1;
        private Source source;
        private Timing timing;
        private Ordering ordering = UNORDERED;
        private Routing routing;

        private Builder(String taskId, String type, String key, Long seq) {
            this.taskId = taskId;
            this.type = type;
            this.key = key;
            this.seq = seq;
        }

        public Builder succeeded(JsonNode taskOutput) {
            this.status = Status.SUCCEEDED;
            this.output = taskOutput;
            this.error = null;
            return this;
        }

        /** A status other than {@code SUCCEEDED}, with its code and a message (cut to size). */
        public Builder failed(Status failedStatus, ErrorCode code, String message) {
            this.status = failedStatus;
            this.output = null;
            this.error = new Error(code, cut(message, MAX_MESSAGE_CHARS));
            return this;
        }

        /** The lane that settled it (null when decided before any lane took it) and this run's attempt. */
        public Builder lane(Lane settledBy, int attemptNumber) {
            this.lane = settledBy;
            this.attempt = Math.max(1, attemptNumber);
            return this;
        }

        public Builder readFrom(ConsumerRecord<?, ?> record) {
            this.source = new Source(record.topic(), record.partition(), record.offset());
            return this;
        }

        public Builder timing(Timing when) {
            this.timing = when;
            return this;
        }

        public Builder ordering(Ordering evidence) {
            this.ordering = evidence;
            return this;
        }

        public Builder routing(Routing decision) {
            this.routing = decision;
            return this;
        }

        /** The result, settled by this process and the calling thread. */
        public TaskResult build() {
            return new TaskResult(Task.VERSION, taskId, type, key, seq, status, output, error, lane, attempt, Worker.current(),
                    source, timing, ordering, routing);
        }
    }

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
     * {@code endToEndMs} = finished - created; {@code cpuMs} is the CPU time of the run's thread, virtual
     * threads included; {@code carrierWaitMs} the part of {@code serviceMs} a virtual thread was ready to run
     * but waited for a carrier thread. Each is null when unknown (carrier waits on platform threads).
     */
    public record Timing(Instant createdAt, Instant enqueuedAt, Instant startedAt, Instant finishedAt,
                         double queueWaitMs, double serviceMs, double endToEndMs, Double cpuMs, Double carrierWaitMs) {

        /** Derives the durations from the four instants; nanoseconds below zero mean unknown. */
        public static Timing of(Instant createdAt, Instant enqueuedAt, Instant startedAt, Instant finishedAt, long cpuNanos,
                                long carrierWaitNanos) {
            return new Timing(createdAt, enqueuedAt, startedAt, finishedAt,
                    millis(enqueuedAt, startedAt), millis(startedAt, finishedAt), millis(createdAt, finishedAt),
                    millis(cpuNanos), millis(carrierWaitNanos));
        }

        private static Double millis(long nanos) {
            return nanos < 0 ? null : Math.round(nanos / 1e4) / 100.0;
        }

        /** Milliseconds between two instants, to 0.01 ms; any two instants (no overflow past 292 years). */
        private static double millis(Instant from, Instant to) {
            double nanos = (to.getEpochSecond() - from.getEpochSecond()) * 1e9 + (to.getNano() - from.getNano());
            return Math.round(nanos / 1e4) / 100.0;
        }
    }

    /**
     * Ordering evidence: the lane's ordering mode, the highest {@code seq} of the same key this lane had
     * finished before, and whether this task finished after all of its key's lower sequence numbers.
     */
    public record Ordering(String mode, Long previousSeq, boolean inOrder) {
    }

    /**
     * Why the task ran on its lane: the lane its type declares (or its {@code taskpipe.routing.hint}), the
     * lane chosen, whether by that declaration, by measurement or by a pin, and the type's CPU time per
     * wall time at the decision (null before its first measured run).
     */
    public record Routing(Lane declared, Lane chosen, Reason reason, Double ratio) {

        public enum Reason { DECLARED, MEASURED, PINNED }
    }
}
