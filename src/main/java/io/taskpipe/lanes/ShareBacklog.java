package io.taskpipe.lanes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.taskpipe.config.CpuDelivery;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.ShareGroups;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CPU lane's backlog when its cpu-workers are a share group ({@code taskpipe.lanes.cpu.delivery=SHARE}):
 * the gauge {@code taskpipe_cpu_share_backlog} on dispatchers, the records of the CPU topic the group has not
 * finished. It is what an autoscaler scales the workers on (k8s/components/share-group), since a share group
 * has no consumer-group lag for KEDA's Kafka scaler to read. Read from the broker every {@link #EVERY}, off
 * the scrape's path; NaN until the first read and while the broker does not answer.
 */
@ApplicationScoped
public class ShareBacklog {

    /** The gauge's name; Prometheus shows it as {@code taskpipe_cpu_share_backlog}. */
    public static final String GAUGE = "taskpipe.cpu.share.backlog";
    private static final Logger LOG = Logger.getLogger(ShareBacklog.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final boolean measured;
    private final String group;
    private final String topic;
    private final KafkaClients clients;
    private volatile double backlog = Double.NaN;
    private volatile boolean failing;
    private ScheduledExecutorService reader;
    private Admin admin;

    public ShareBacklog(TaskpipeConfig config, KafkaClients clients, MeterRegistry registry) {
        this.measured = config.role().dispatches() && config.lanes().cpu().delivery() == CpuDelivery.SHARE;
        this.group = config.lanes().cpu().shareGroup();
        this.topic = config.topics().cpuTasks();
        this.clients = clients;
        if (measured) {
            Gauge.builder(GAUGE, this, b -> b.backlog)
                    .description("Records of the CPU topic the cpu-workers' share group has not finished").register(registry);
        }
    }

    void start(@Observes StartupEvent event) {
        if (measured) {
            admin = clients.newAdmin();
            reader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("taskpipe-share-backlog").daemon().factory());
            reader.scheduleWithFixedDelay(this::read, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (reader != null) {
            reader.shutdownNow();
            admin.close(Duration.ofSeconds(5));
        }
    }

    private void read() {
        try {
            backlog = ShareGroups.backlog(admin, group, topic);
            if (failing) {
                LOG.infof("share group %s's backlog is read again", group);
                failing = false;
            }
        } catch (RuntimeException e) {
            backlog = Double.NaN;
            if (!failing) { // once per outage, not every few seconds
                LOG.warnf("cannot read share group %s's backlog on %s (%s); the gauge is NaN until it can", group, topic, e.getMessage());
                failing = true;
            }
        }
    }
}
