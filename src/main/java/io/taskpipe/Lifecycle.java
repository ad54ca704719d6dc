package io.taskpipe;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.taskpipe.config.SettingsCheck;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.embedded.EmbeddedKafka;
import io.taskpipe.embedded.LocalWorkers;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.Topics;
import io.taskpipe.lanes.Lanes;
import io.taskpipe.tasks.guard.UrlGuard;
import io.taskpipe.workers.Presence;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Starts and stops this process's parts in order, by role: broker (all-in-one without a configured
 * broker), topics, lanes, heartbeats (and, dispatching, the directory of every process's heartbeats),
 * local cpu-workers; and the reverse on shutdown, heartbeats stopping after the lanes drained and before
 * the producer that sends them closes.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final TaskpipeConfig config;
    private final EmbeddedKafka embedded;
    private final KafkaClients clients;
    private final Lanes lanes;
    private final LocalWorkers localWorkers;
    private final Presence presence;

    public Lifecycle(TaskpipeConfig config, EmbeddedKafka embedded, KafkaClients clients, Lanes lanes, LocalWorkers localWorkers,
                     Presence presence) {
        this.config = config;
        this.embedded = embedded;
        this.clients = clients;
        this.lanes = lanes;
        this.localWorkers = localWorkers;
        this.presence = presence;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        // SIGTERM (docker stop, Kubernetes) is the normal way to stop: drain gracefully and exit 0,
        // not with the JVM's 143 for a signal.
        Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        SettingsCheck.verify(config, UrlGuard.settingsProblems(config.urls()));
        if (config.api().insecure() && config.api().keys().isEmpty() && config.role().dispatches()) {
            LOG.warn("taskpipe.api.insecure=true: the task API has no keys, so anyone who reaches this process's HTTP port"
                    + " may submit tasks (which read files and fetch URLs) and read every result");
        }
        LOG.infof("taskpipe starting as %s, Kafka at %s", config.role().name().toLowerCase().replace('_', '-'), clients.bootstrapServers());
        embedded.start();
        try (Admin admin = clients.newAdmin()) {
            Topics.prepare(admin, config.topics(), Topics.usedBy(config.role().dispatches(), config.topics()));
        }
        if (config.role().dispatches()) {
            lanes.startIo();
        } else {
            lanes.startCpu();
        }
        presence.start();
        localWorkers.start();
        config.localWorkers().parentPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    LOG.infof("parent process %d exited; stopping", pid);
                    Quarkus.asyncExit();
                }),
                Quarkus::asyncExit));
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        localWorkers.stop(config.lanes().shutdownGrace());
        lanes.stop(config.lanes().shutdownGrace());
        presence.stop();
        clients.close();
    }

    /**
     * The broker goes last: after SmallRye's Kafka connector closed its channels, which it does when the
     * application context is about to be destroyed (observer priority 50). Only if this bean exists: a
     * start refused for its settings must not try to build it again on the way out.
     */
    void stopBroker(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000)
                    @BeforeDestroyed(ApplicationScoped.class) Object event) {
        embedded.stop();
    }
}
