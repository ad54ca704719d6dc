package io.taskpipe.kafka;

import io.taskpipe.config.TopicsConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * taskpipe's topics at start: each process prepares the topics it uses (a dispatcher all five, a
 * cpu-worker all but the tasks topic, which it has no rights to under the Kafka ACLs): creates the
 * missing ones, replicated and with a {@code min.insync.replicas} that makes {@code acks=all} mean
 * what it says, and warns about existing ones where it means less.
 */
public final class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class);
    private static final int TIMEOUT_SECONDS = 60;
    /** How long the heartbeats topic keeps a heartbeat: only the last few seconds matter, an hour helps looking back. */
    static final String HEARTBEAT_RETENTION_MS = Long.toString(Duration.ofHours(1).toMillis());

    /** How the topics taskpipe creates are replicated: {@code replicas} copies, {@code minInsync} of them in every write. */
    record Durability(int replicas, int minInsync) {

        /** The configured durability, or 3 copies (fewer on a smaller cluster) and one less in every write. */
        static Durability of(TopicsConfig topics, int brokers) {
            int replicas = topics.replicationFactor().orElse(Math.max(1, Math.min(3, brokers)));
            int minInsync = topics.minInsyncReplicas().orElse(Math.max(1, replicas - 1));
            if (minInsync > replicas) {
                throw new IllegalStateException("taskpipe.topics.min-insync-replicas (" + minInsync
                        + ") is larger than the replication factor (" + replicas + "): no write could ever be acknowledged");
            }
            if (replicas > brokers) {
                throw new IllegalStateException("taskpipe.topics.replication-factor is " + replicas + " but the cluster has "
                        + brokers + " broker(s); lower it, or create the topics yourself and set taskpipe.topics.create=false");
            }
            return new Durability(replicas, minInsync);
        }

        /** Why {@code acks=all} is weaker on this topic than it looks, or null. */
        static String weakness(int replicas, int minInsync, int brokers) {
            if (replicas == 1 && brokers > 1) {
                return "has a single replica on a cluster of " + brokers + " brokers: losing that broker loses its records";
            }
            if (replicas > 1 && minInsync < 2) {
                return "has min.insync.replicas=" + minInsync + ": with acks=all a write is acknowledged once the leader alone has it";
            }
            return null;
        }
    }

    private Topics() {
    }

    /** The topics a process reads or writes: a dispatcher's all five, a cpu-worker's those of its lane, outcomes and heartbeats. */
    public static List<String> usedBy(boolean dispatches, TopicsConfig topics) {
        return dispatches ? List.of(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq(), topics.workers())
                : List.of(topics.cpuTasks(), topics.results(), topics.dlq(), topics.workers());
    }

    /**
     * A topic as taskpipe creates it: the dead letters and the heartbeats in one partition (neither is read
     * in parallel), the others in {@code taskpipe.topics.partitions}; heartbeats kept only an hour.
     */
    static NewTopic newTopic(String name, TopicsConfig topics, Durability durability) {
        boolean single = name.equals(topics.dlq()) || name.equals(topics.workers());
        Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(durability.minInsync())));
        if (name.equals(topics.workers())) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, HEARTBEAT_RETENTION_MS);
        }
        return new NewTopic(name, single ? 1 : topics.partitions(), (short) durability.replicas()).configs(configs);
    }

    /**
     * Creates the missing topics of {@code names} when {@code create} is set, and warns about weakly replicated
     * ones. Without {@code create}, the topics are an operator's: a check that fails (no rights to describe
     * them) is only logged.
     */
    public static void prepare(Admin admin, TopicsConfig topics, List<String> names) {
        if (!topics.create()) {
            try {
                int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
                warnAboutWeakOnes(admin, names, brokers);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf("cannot check taskpipe's topics (%s); continuing", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> missing = names.stream().filter(name -> !existing.contains(name)).toList();
            if (!missing.isEmpty()) {
                create(admin, topics, missing, Durability.of(topics, brokers));
            }
            warnAboutWeakOnes(admin, names.stream().filter(existing::contains).toList(), brokers);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot prepare taskpipe's topics (" + String.join(", ", names) + "): " + e.getMessage()
                    + " (is the broker reachable? set taskpipe.topics.create=false to leave the topics to an operator)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing topics", e);
        }
    }

    private static void create(Admin admin, TopicsConfig topics, List<String> missing, Durability durability)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : missing) {
            wanted.add(newTopic(name, topics, durability));
        }
        for (var entry : admin.createTopics(wanted).values().entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.infof("created topic %s (%d replica(s), min.insync.replicas=%d)", entry.getKey(), durability.replicas(), durability.minInsync());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static void warnAboutWeakOnes(Admin admin, List<String> names, int brokers) throws InterruptedException {
        if (names.isEmpty()) {
            return;
        }
        try {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<ConfigResource> resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (ConfigResource resource : resources) {
                int replicas = described.get(resource.name()).partitions().getFirst().replicas().size();
                ConfigEntry minInsync = configs.get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                String weakness = Durability.weakness(replicas, minInsync == null ? 1 : Integer.parseInt(minInsync.value()), brokers);
                if (weakness != null) {
                    LOG.warnf("topic %s %s (see docs/operations.md, durable topics)", resource.name(), weakness);
                }
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("cannot check the replication of taskpipe's topics (%s); continuing", e.toString());
        }
    }
}
