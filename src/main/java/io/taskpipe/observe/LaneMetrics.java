package io.taskpipe.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.TaskResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Prometheus view of the lanes ({@code /q/metrics}):
 * <ul>
 *   <li>{@code taskpipe_tasks_total{lane,type,status}}: tasks finished;</li>
 *   <li>{@code taskpipe_task_service_seconds{lane,type}} and {@code taskpipe_task_queue_wait_seconds{lane,type}}: histograms;</li>
 *   <li>{@code taskpipe_lane_running{lane}}, {@code taskpipe_lane_queued{lane}}, {@code taskpipe_lane_outstanding{lane}},
 *       {@code taskpipe_lane_uncommitted{lane}}, {@code taskpipe_lane_held_bytes{lane}} and
 *       {@code taskpipe_lane_oldest_unfinished_seconds{lane}}: gauges;</li>
 *   <li>{@code taskpipe_task_retries_total{lane,type}}: retries after transient failures;</li>
 *   <li>{@code taskpipe_forwarded_total} and {@code taskpipe_rejected_total{code}}: tasks forwarded, and tasks
 *       dead-lettered by reason.</li>
 * </ul>
 */
@ApplicationScoped
public class LaneMetrics {

    private final MeterRegistry registry;

    public LaneMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void finished(TaskResult result) {
        String lane = result.lane() == null ? "NONE" : result.lane().name();
        Counter.builder("taskpipe.tasks")
                .description("Tasks finished, by lane, type and status")
                .tags("lane", lane, "type", result.type(), "status", result.status().name())
                .register(registry).increment();
        timer("taskpipe.task.service", "Time a task ran", lane, result.type())
                .record(Duration.ofNanos((long) (result.timing().serviceMs() * 1e6)));
        timer("taskpipe.task.queue.wait", "Time from reaching the lane's topic to starting", lane, result.type())
                .record(Duration.ofNanos((long) (Math.max(0, result.timing().queueWaitMs()) * 1e6)));
    }

    public void retried(String lane, String type) {
        registry.counter("taskpipe.task.retries", "lane", lane, "type", type).increment();
    }

    public void forwarded() {
        registry.counter("taskpipe.forwarded", "lane", "CPU").increment();
    }

    public void rejected(ErrorCode code) {
        registry.counter("taskpipe.rejected", "code", code.name()).increment();
    }

    /** What a lane's gauges read. */
    public record Gauges(Supplier<Number> running, Supplier<Number> queued, Supplier<Number> outstanding, Supplier<Number> uncommitted,
                         Supplier<Number> heldBytes, Supplier<Number> oldestUnfinishedSeconds) {
    }

    /** Registers the gauges of one lane. */
    public void lane(String lane, Gauges gauges) {
        gauge("taskpipe.lane.running", "Tasks running now", lane, gauges.running());
        gauge("taskpipe.lane.queued", "Tasks waiting for their key, a slot or a retry", lane, gauges.queued());
        gauge("taskpipe.lane.outstanding", "Records handed to the lane whose outcome is not yet durable", lane, gauges.outstanding());
        gauge("taskpipe.lane.uncommitted", "Records whose finish is not yet committed: what would run again if the process died", lane,
                gauges.uncommitted());
        gauge("taskpipe.lane.held.bytes", "Bytes of the records the lane holds (key, value, headers)", lane, gauges.heldBytes());
        gauge("taskpipe.lane.oldest.unfinished.seconds", "Age of the oldest record handed to the lane without an outcome", lane,
                gauges.oldestUnfinishedSeconds());
    }

    private void gauge(String name, String description, String lane, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("lane", lane).register(registry);
    }

    private Timer timer(String name, String description, String lane, String type) {
        return Timer.builder(name).description(description).tags("lane", lane, "type", type)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }
}
