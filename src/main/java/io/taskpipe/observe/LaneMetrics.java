package io.taskpipe.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.TaskResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /** One task's meters: a registry looks meters up by name and sorted tags, too much work for every task. */
    private record TaskMeters(Counter finished, Timer service, Timer queueWait) {
    }

    private record Series(String lane, String type, String status) {
    }

    private final MeterRegistry registry;
    private final Map<Series, TaskMeters> meters = new ConcurrentHashMap<>();

    public LaneMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void finished(TaskResult result) {
        String lane = result.lane() == null ? "NONE" : result.lane().name();
        TaskMeters task = meters.computeIfAbsent(new Series(lane, result.type(), result.status().name()), series -> new TaskMeters(
                Counter.builder("taskpipe.tasks")
                        .description("Tasks finished, by lane, type and status")
                        .tags("lane", series.lane(), "type", series.type(), "status", series.status())
                        .register(registry),
                timer("taskpipe.task.service", "Time a task ran", series.lane(), series.type()),
                timer("taskpipe.task.queue.wait", "Time from reaching the lane's topic to starting", series.lane(), series.type())));
        task.finished().increment();
        task.service().record(Duration.ofNanos((long) (result.timing().serviceMs() * 1e6)));
        task.queueWait().record(Duration.ofNanos((long) (Math.max(0, result.timing().queueWaitMs()) * 1e6)));
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
