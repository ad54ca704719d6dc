package io.taskpipe.kafka;

import io.taskpipe.config.TaskpipeConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates taskpipe's topics when they are missing (dispatchers and workers both do, whoever starts first). */
public final class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class);

    private Topics() {
    }

    public static void ensure(Admin admin, TaskpipeConfig.Topics topics) {
        Optional<Short> replication = topics.replicationFactor() < 0 ? Optional.empty() : Optional.of(topics.replicationFactor());
        List<NewTopic> wanted = List.of(
                new NewTopic(topics.tasks(), Optional.of(topics.partitions()), replication),
                new NewTopic(topics.cpuTasks(), Optional.of(topics.partitions()), replication),
                new NewTopic(topics.results(), Optional.of(topics.partitions()), replication),
                new NewTopic(topics.dlq(), Optional.of(1), replication));
        try {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create taskpipe's topics on " + topics.tasks()
                    + " etc.: " + e.getMessage() + " (is the broker reachable? set taskpipe.topics.create=false to skip)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
