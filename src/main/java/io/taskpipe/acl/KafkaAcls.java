package io.taskpipe.acl;

import io.taskpipe.api.BatchPublisher;
import io.taskpipe.config.CpuDelivery;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.config.TopicsConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

/**
 * The one list of taskpipe's Kafka ACLs: a principal per role and exactly what that role does with Kafka.
 * {@code KafkaAclIT} applies it to a broker that denies everything else and runs the pipeline under it;
 * {@link AclsCommand} prints it as {@code kafka-acls.sh} commands (docs/security.md shows that output)
 * or applies it; the Strimzi {@code KafkaUser}s are checked against it.
 *
 * <p>No role may create topics: an operator creates them (Strimzi's Topic Operator, {@code kafka-topics.sh})
 * and the processes run with {@code taskpipe.topics.create=false}. WRITE and READ imply DESCRIBE, so it
 * is listed only where it is all a role gets. Idempotent producers need no cluster ACL: since Kafka 3.0 a
 * principal allowed to WRITE to some topic may write idempotently.
 */
public final class KafkaAcls {

    /**
     * Each dispatcher's results view reads the whole results topic in a consumer group of its own, named
     * {@code taskpipe-results-view-<uuid>} (application.properties, {@code results-view.group.id}).
     */
    public static final String RESULTS_VIEW_GROUP_PREFIX = "taskpipe-results-view-";

    /** Who talks to Kafka, each as its own SCRAM user (a Strimzi {@code KafkaUser} of the same name). */
    public enum Role {
        /** Another system publishing tasks. */
        PRODUCER("taskpipe-producer"),
        /** The dispatcher processes: IO lane, CPU forwarding, REST intake, results view. */
        DISPATCHER("taskpipe-dispatcher"),
        /** The cpu-worker processes: CPU lane. */
        CPU_WORKER("taskpipe-cpu-worker"),
        /** KEDA: the lag of each lane's consumer group, never a record. */
        AUTOSCALER("taskpipe-autoscaler");

        private final String user;

        Role(String user) {
            this.user = user;
        }

        /** The SCRAM user name. */
        public String user() {
            return user;
        }

        /** The principal the ACLs name. */
        public String principal() {
            return "User:" + user;
        }
    }

    /**
     * The names the ACLs refer to: the topics and consumer groups as configured, and the cpu-workers' share
     * group when the CPU lane runs on one ({@code taskpipe.lanes.cpu.delivery=SHARE}).
     */
    public record Names(String tasks, String cpuTasks, String results, String dlq, String workers, String dispatcherGroup,
                        String workerGroup, Optional<String> shareGroup) {

        /** taskpipe's default names ({@code taskpipe.topics.*}, {@code taskpipe.lanes.*.group}). */
        public static final Names DEFAULTS = new Names("taskpipe.tasks", "taskpipe.tasks.cpu", "taskpipe.results", "taskpipe.dlq",
                "taskpipe.workers", "taskpipe-dispatcher", "taskpipe-cpu-worker", Optional.empty());

        private static final String DEFAULT_SHARE_GROUP = "taskpipe-cpu-share";

        /** The names a configuration file sets, each by the setting of its name, else the default. */
        public static Names of(Properties settings) {
            Map<String, String> defaults = DEFAULTS.settings();
            Function<String, String> name = key -> settings.getProperty(key, defaults.get(key));
            Optional<String> shareGroup = CpuDelivery.SHARE.name().equalsIgnoreCase(settings.getProperty("taskpipe.lanes.cpu.delivery"))
                    ? Optional.of(settings.getProperty("taskpipe.lanes.cpu.share-group", DEFAULT_SHARE_GROUP)) : Optional.empty();
            return new Names(name.apply("taskpipe.topics.tasks"), name.apply("taskpipe.topics.cpu-tasks"),
                    name.apply("taskpipe.topics.results"), name.apply("taskpipe.topics.dlq"), name.apply("taskpipe.topics.workers"),
                    name.apply("taskpipe.lanes.io.group"), name.apply("taskpipe.lanes.cpu.group"), shareGroup);
        }

        /** These names on a CPU lane that runs as the share group {@code group}. */
        public Names sharing(String group) {
            return new Names(tasks, cpuTasks, results, dlq, workers, dispatcherGroup, workerGroup, Optional.of(group));
        }

        /** The settings that give a process these names, by setting name. */
        public Map<String, String> settings() {
            Map<String, String> settings = new HashMap<>(Map.of("taskpipe.topics.tasks", tasks, "taskpipe.topics.cpu-tasks", cpuTasks,
                    "taskpipe.topics.results", results, "taskpipe.topics.dlq", dlq, "taskpipe.topics.workers", workers,
                    "taskpipe.lanes.io.group", dispatcherGroup, "taskpipe.lanes.cpu.group", workerGroup));
            shareGroup.ifPresent(group -> settings.put("taskpipe.lanes.cpu.share-group", group));
            return settings;
        }

        /** The names a process with this configuration uses. */
        public static Names of(TaskpipeConfig config) {
            TopicsConfig topics = config.topics();
            return new Names(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq(), topics.workers(),
                    config.lanes().io().group(), config.lanes().cpu().group(),
                    config.lanes().cpu().delivery() == CpuDelivery.SHARE ? Optional.of(config.lanes().cpu().shareGroup()) : Optional.empty());
        }
    }

    private KafkaAcls() {
    }

    /** Every role's ACLs, role by role. */
    public static List<AclBinding> all(Names names) {
        return Arrays.stream(Role.values()).flatMap(role -> of(role, names).stream()).toList();
    }

    /** What {@code role} may do, and nothing more. */
    public static List<AclBinding> of(Role role, Names names) {
        Grants grants = new Grants(role);
        switch (role) {
            case PRODUCER -> grants.topic(names.tasks(), WRITE);
            case DISPATCHER -> {
                // reads tasks; writes them too, for POST /tasks, in transactions (BatchPublisher)
                grants.topic(names.tasks(), READ, WRITE, DESCRIBE_CONFIGS).group(names.dispatcherGroup(), READ)
                        .transactionalIds(BatchPublisher.TRANSACTIONAL_ID_PREFIX, WRITE)
                        .topic(names.cpuTasks(), WRITE, DESCRIBE_CONFIGS)
                        // writes results, and reads them back for GET /tasks/{id}, routing's measurements and the dashboard
                        .topic(names.results(), READ, WRITE, DESCRIBE_CONFIGS).groups(RESULTS_VIEW_GROUP_PREFIX, READ)
                        // writes dead letters, and reads them for the dashboard (no group)
                        .topic(names.dlq(), READ, WRITE, DESCRIBE_CONFIGS)
                        // publishes its heartbeat and reads everyone's (no group: it assigns itself the partition);
                        // the lag of the workers' group (its own group's it may READ already)
                        .topic(names.workers(), READ, WRITE, DESCRIBE_CONFIGS).group(names.workerGroup(), DESCRIBE);
                // the share group's backlog, the gauge the cpu-workers are scaled on (ShareBacklog)
                names.shareGroup().ifPresent(share -> grants.group(share, DESCRIBE));
            }
            case CPU_WORKER -> {
                grants.topic(names.cpuTasks(), READ, DESCRIBE_CONFIGS);
                // a share group's member sets the group's settings as it starts, and reads the broker's delivery limit
                names.shareGroup().ifPresentOrElse(share -> grants.group(share, READ, ALTER_CONFIGS).cluster(DESCRIBE_CONFIGS),
                        () -> grants.group(names.workerGroup(), READ));
                grants.topic(names.results(), WRITE, DESCRIBE_CONFIGS)
                        .topic(names.dlq(), WRITE, DESCRIBE_CONFIGS)
                        .topic(names.workers(), WRITE, DESCRIBE_CONFIGS);
            }
            // lag = a topic's end offsets (DESCRIBE on the topic) less the group's committed ones (DESCRIBE on the group);
            // a share group's backlog it reads from the dispatchers' gauge instead
            case AUTOSCALER -> {
                grants.topic(names.tasks(), DESCRIBE).group(names.dispatcherGroup(), DESCRIBE);
                if (names.shareGroup().isEmpty()) {
                    grants.topic(names.cpuTasks(), DESCRIBE).group(names.workerGroup(), DESCRIBE);
                }
            }
        }
        return grants.bindings;
    }

    /**
     * The ACLs of one principal, built resource by resource. DESCRIBE_CONFIGS on a process's own topics is
     * for its start-up check of their replication (Topics), which reads each topic's {@code min.insync.replicas}.
     */
    private static final class Grants {

        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Grants(Role role) {
            this.principal = role.principal();
        }

        Grants topic(String name, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        Grants group(String name, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL), operations);
        }

        Grants groups(String prefix, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED), operations);
        }

        Grants cluster(AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.CLUSTER, Resource.CLUSTER_NAME, PatternType.LITERAL), operations);
        }

        Grants transactionalIds(String prefix, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED), operations);
        }

        private Grants allow(ResourcePattern resource, AclOperation... operations) {
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
            return this;
        }
    }
}
