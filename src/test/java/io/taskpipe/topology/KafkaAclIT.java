package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.acl.AclsCommand;
import io.taskpipe.acl.KafkaAcls;
import io.taskpipe.acl.KafkaAcls.Names;
import io.taskpipe.acl.KafkaAcls.Role;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.ShareGroups;
import io.taskpipe.kafka.TopicReader;
import io.taskpipe.testing.Pipeline;
import io.taskpipe.testing.SecureKafka;
import io.taskpipe.workers.ConsumerLag;
import io.taskpipe.workers.PartitionLag;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Least privilege on Kafka, proven on a real broker: SASL_SSL with SCRAM-SHA-512, Kafka's
 * {@code StandardAuthorizer} denying whatever no ACL allows, and exactly the ACLs of {@link KafkaAcls}
 * (applied by {@link AclsCommand}, as docs/security.md tells an operator to). A dispatcher and a
 * cpu-worker run from the packaged jar, each as its own principal, and the pipeline must work end to end;
 * each role must then be refused what it was not given.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaAclIT {

    private static final Names NAMES = Names.DEFAULTS;
    private static final Map<Role, String> PASSWORDS = new EnumMap<>(Role.class);

    private static SecureKafka kafka;
    private static AppProcess dispatcher;
    private static AppProcess worker;

    @BeforeAll
    static void aClusterWithTaskpipesAcls() throws Exception {
        kafka = SecureKafka.start();
        try (Admin admin = Admin.create(kafka.superUser())) {
            // the operator's part: topics (the roles may not create them), users, ACLs
            admin.createTopics(List.of(new NewTopic(NAMES.tasks(), 2, (short) 1), new NewTopic(NAMES.cpuTasks(), 2, (short) 1),
                    new NewTopic(NAMES.results(), 2, (short) 1), new NewTopic(NAMES.dlq(), 1, (short) 1),
                    new NewTopic(NAMES.workers(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            for (Role role : Role.values()) {
                PASSWORDS.put(role, UUID.randomUUID().toString());
                kafka.addUser(admin, role.user(), PASSWORDS.get(role));
            }
            AclsCommand.apply(admin, NAMES);
            // the broker's authorizer answers DescribeAcls: once it lists them all, it enforces them all
            await("the broker applies the ACLs").atMost(Duration.ofSeconds(20)).until(() ->
                    admin.describeAcls(AclBindingFilter.ANY).values().get().size() == KafkaAcls.all(NAMES).size());
        }
        for (Role role : Role.values()) {
            await(role.user() + " authenticates").atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> authenticates(role));
        }
        dispatcher = process("acl-dispatcher", "dispatcher", Role.DISPATCHER).launch();
        worker = process("acl-cpu-worker", "cpu-worker", Role.CPU_WORKER).launch();
        dispatcher.awaitReady();
        worker.awaitReady();
    }

    @AfterAll
    static void stop() {
        for (AppProcess process : new AppProcess[] {dispatcher, worker}) {
            if (process != null && process.isAlive()) {
                process.kill();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void tasksFromTheProducerPrincipalSucceedOnBothLanes() throws Exception {
        String sleep = "acl-sleep-" + UUID.randomUUID();
        String sum = "acl-sum-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer(Role.PRODUCER)) {
            producer.send(task(sleep, "io.sleep", "{\"millis\": 10}")).get(30, TimeUnit.SECONDS);
            producer.send(task(sum, "compute.sum", "{\"n\": 1000}")).get(30, TimeUnit.SECONDS);
        }
        // POST /tasks: the dispatcher publishes in a transaction, under its transactional-id ACL
        String viaRest = "acl-rest-" + UUID.randomUUID();
        assertThat(dispatcher.post("/tasks", json(viaRest, "compute.sum", "{\"n\": 1000}")).status()).isEqualTo(202);

        // read back through the dispatcher's results view: the results topic under the dispatcher's ACLs
        assertThat(awaitResult(sleep).path("lane").asText()).isEqualTo("IO");
        assertThat(awaitResult(sum).path("lane").asText()).as("run by the cpu-worker principal").isEqualTo("CPU");
        assertThat(awaitResult(viaRest).path("lane").asText()).isEqualTo("CPU");
    }

    @Test
    @Order(2)
    void theProducerReadsNothing() {
        try (KafkaConsumer<String, byte[]> consumer = consumer(Role.PRODUCER, null)) {
            consumer.assign(List.of(new TopicPartition(NAMES.results(), 0)));
            assertThat(refusal(() -> consumer.poll(Duration.ofSeconds(10)))).isInstanceOf(TopicAuthorizationException.class);
        }
        // not even the topic it writes (which it may describe): no consumer group is its
        try (KafkaConsumer<String, byte[]> consumer = consumer(Role.PRODUCER, NAMES.dispatcherGroup())) {
            consumer.subscribe(List.of(NAMES.tasks()));
            assertThat(refusal(() -> consumer.poll(Duration.ofSeconds(10)))).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    @Order(3)
    void aCpuWorkerCannotPublishTasks() {
        try (KafkaProducer<String, byte[]> producer = producer(Role.CPU_WORKER)) {
            assertThat(refusal(() -> producer.send(task("acl-forged", "compute.sum", "{\"n\": 1}")).get(30, TimeUnit.SECONDS)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @Order(4)
    void theAutoscalerSeesTheLagButNotARecord() throws Exception {
        String sum = "acl-lag-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer(Role.PRODUCER)) {
            producer.send(task(sum, "compute.sum", "{\"n\": 1000}")).get(30, TimeUnit.SECONDS);
        }
        awaitResult(sum);
        try (Admin keda = Admin.create(kafka.user(Role.AUTOSCALER.user(), PASSWORDS.get(Role.AUTOSCALER)))) {
            // KEDA's lag: the group's committed offsets against the topic's end offsets
            Map<TopicPartition, OffsetAndMetadata> committed = await("the cpu-workers' commit").atMost(Duration.ofSeconds(30))
                    .until(() -> keda.listConsumerGroupOffsets(NAMES.workerGroup()).partitionsToOffsetAndMetadata().get(), map -> !map.isEmpty());
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            committed.keySet().forEach(partition -> ends.put(partition, OffsetSpec.latest()));
            assertThat(keda.listOffsets(ends).all().get()).hasSameSizeAs(committed);
            assertThat(keda.listConsumerGroupOffsets(NAMES.dispatcherGroup()).partitionsToOffsetAndMetadata().get()).isNotEmpty();
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer(Role.AUTOSCALER, null)) {
            consumer.assign(List.of(new TopicPartition(NAMES.cpuTasks(), 0)));
            assertThat(refusal(() -> consumer.poll(Duration.ofSeconds(10)))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @Order(5)
    void withoutCredentialsThereIsNoConnection() {
        Map<String, Object> wrongPassword = new HashMap<>(kafka.user(Role.PRODUCER.user(), "not-the-password"));
        assertThat(refusal(() -> describeCluster(wrongPassword))).isInstanceOf(SaslAuthenticationException.class);

        // TLS, but no SASL: the broker closes the connection at the first request, until the client gives up
        Map<String, Object> anonymous = new HashMap<>(kafka.trust());
        anonymous.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        anonymous.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        assertThat(refusal(() -> describeCluster(anonymous))).isInstanceOf(TimeoutException.class);
    }

    /**
     * Each role publishes its heartbeat on the workers topic (read here as the superuser), counting the tasks it
     * finished; the dispatcher reads everyone's (its log names the cpu-worker it heard from) and may measure
     * both lanes' lag, as its dashboard does.
     */
    @Test
    @Order(6)
    void bothRolesHeartbeatAndTheDispatcherSeesThemAndTheLag() throws Exception {
        Map<Long, JsonNode> latest = new HashMap<>();
        await("a heartbeat of each role, after the tasks they finished").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (TopicReader reader = new TopicReader(kafka.superUser(), List.of(NAMES.workers()), TopicReader.From.BEGINNING)) {
                reader.readToEnd(record -> latest.put(Pipeline.parse(record.value()).path("pid").asLong(), Pipeline.parse(record.value())));
            }
            assertThat(latest).containsKeys(dispatcher.pid(), worker.pid());
            assertThat(latest.get(worker.pid()).path("finished").asLong()).as("the worker ran the CPU tasks").isPositive();
        });
        JsonNode fromWorker = latest.get(worker.pid());
        assertThat(fromWorker.path("role").asText()).isEqualTo("cpu-worker");
        assertThat(fromWorker.path("lane").asText()).isEqualTo("CPU");
        assertThat(fromWorker.path("slots").asInt()).isPositive();
        JsonNode fromDispatcher = latest.get(dispatcher.pid());
        assertThat(fromDispatcher.path("role").asText()).isEqualTo("dispatcher");
        assertThat(fromDispatcher.path("lane").asText()).isEqualTo("IO");
        assertThat(fromDispatcher.path("finished").asLong()).as("the dispatcher ran the IO task").isPositive();

        String workerId = fromWorker.path("host").asText() + ":" + worker.pid();
        await("the dispatcher's directory hears from the cpu-worker").atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(dispatcher.log(), StandardCharsets.UTF_8).contains("heartbeats: cpu-worker " + workerId));

        try (Admin asDispatcher = Admin.create(kafka.user(Role.DISPATCHER.user(), PASSWORDS.get(Role.DISPATCHER)))) {
            List<PartitionLag> workers = ConsumerLag.measure(asDispatcher, NAMES.workerGroup(), NAMES.cpuTasks(), Duration.ofSeconds(30));
            assertThat(workers).extracting(PartitionLag::partition).containsExactly(0, 1);
            assertThat(workers).anySatisfy(lag -> assertThat(lag.committed()).isPositive());
            assertThat(ConsumerLag.measure(asDispatcher, NAMES.dispatcherGroup(), NAMES.tasks(), Duration.ofSeconds(30)))
                    .anySatisfy(lag -> assertThat(lag.committed()).isPositive());
        }
    }

    /** The ACLs are not only sufficient for the tests' tasks: neither process met a refusal anywhere, start-up checks included. */
    @Test
    @Order(7)
    void neitherProcessWasRefusedAnything() throws Exception {
        for (AppProcess process : List.of(dispatcher, worker)) {
            assertThat(process.isAlive()).as(process.name() + " alive").isTrue();
            assertThat(Files.readAllLines(process.log(), StandardCharsets.UTF_8))
                    .as(process.name() + "'s log (" + process.log() + ")")
                    .noneMatch(line -> line.contains("AuthorizationException") || line.contains("not authorized")
                            || line.contains("cannot check") || line.contains("cannot read"));
        }
    }

    /**
     * The CPU lane as a share group ({@code taskpipe.lanes.cpu.delivery=SHARE}) on exactly its own grants: the
     * consumer group's worker gone and its group's READ revoked, the worker gets the share group's READ and
     * ALTER_CONFIGS and the cluster's DESCRIBE_CONFIGS instead, and runs a task; the dispatcher's principal
     * reads the share group's backlog, the gauge the workers are scaled on.
     */
    @Test
    @Order(8)
    void aShareGroupWorkerRunsOnItsOwnGrants() throws Exception {
        Names sharing = NAMES.sharing("taskpipe-cpu-share");
        worker.kill();
        try (Admin admin = Admin.create(kafka.superUser())) {
            List<AclBindingFilter> revoked = KafkaAcls.all(NAMES).stream().filter(acl -> !KafkaAcls.all(sharing).contains(acl))
                    .map(AclBinding::toFilter).toList();
            admin.deleteAcls(revoked).all().get(30, TimeUnit.SECONDS);
            AclsCommand.apply(admin, sharing);
            await("the broker applies the share group's ACLs").atMost(Duration.ofSeconds(20)).until(() ->
                    admin.describeAcls(AclBindingFilter.ANY).values().get().size() == KafkaAcls.all(sharing).size());
        }
        AppProcess shareWorker = process("acl-share-worker", "cpu-worker", Role.CPU_WORKER,
                Map.of("taskpipe.lanes.cpu.delivery", "SHARE", "taskpipe.lanes.cpu.ordering", "NONE")).start();
        try {
            String sum = "acl-share-sum-" + UUID.randomUUID();
            try (KafkaProducer<String, byte[]> producer = producer(Role.PRODUCER)) {
                producer.send(task(sum, "compute.sum", "{\"n\": 1000}")).get(30, TimeUnit.SECONDS);
            }
            JsonNode result = awaitResult(sum);
            assertThat(result.path("lane").asText()).isEqualTo("CPU");
            assertThat(result.path("worker").path("pid").asLong()).as("run by the share group's worker").isEqualTo(shareWorker.pid());
            try (Admin asDispatcher = Admin.create(kafka.user(Role.DISPATCHER.user(), PASSWORDS.get(Role.DISPATCHER)))) {
                // the group reads the topic from its start, so it runs the earlier tests' CPU tasks too before it is done
                await("the share group's backlog, read as the dispatcher").atMost(Duration.ofSeconds(60))
                        .until(() -> ShareGroups.backlog(asDispatcher, "taskpipe-cpu-share", NAMES.cpuTasks()) == 0);
            }
            assertThat(Files.readAllLines(shareWorker.log(), StandardCharsets.UTF_8)).as("the share worker's log")
                    .noneMatch(line -> line.contains("AuthorizationException") || line.contains("not authorized"));
        } finally {
            shareWorker.kill();
        }
    }

    private static AppProcess process(String name, String profile, Role role) {
        return process(name, profile, role, Map.of());
    }

    private static AppProcess process(String name, String profile, Role role, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>();
        kafka.user(role.user(), PASSWORDS.get(role)).forEach((key, value) -> properties.put("kafka." + key, value.toString()));
        properties.put("taskpipe.topics.create", "false");
        properties.put("taskpipe.api.insecure", "true"); // the task API's keys are AccessIT's subject
        properties.putAll(extra);
        return AppProcess.of(name, profile, properties, List.of(), Topology.LOGS);
    }

    private static boolean authenticates(Role role) throws Exception {
        describeCluster(kafka.user(role.user(), PASSWORDS.get(role)));
        return true;
    }

    private static void describeCluster(Map<String, Object> settings) throws Exception {
        Map<String, Object> quick = new HashMap<>(settings);
        quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(quick)) {
            admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode awaitResult(String id) {
        JsonNode result = await("the result of " + id).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String body = dispatcher.get("/tasks/" + id); // 404 until the result is in the view
                    return body.startsWith("{") ? Pipeline.parse(body.getBytes(StandardCharsets.UTF_8)) : null;
                }, node -> node != null && node.has("taskId"));
        assertThat(result.path("status").asText()).as(id + ": " + result).isEqualTo("SUCCEEDED");
        return result;
    }

    private static ProducerRecord<String, byte[]> task(String id, String type, String params) {
        return new ProducerRecord<>(NAMES.tasks(), id, json(id, type, params).getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String id, String type, String params) {
        return "{\"id\": \"%s\", \"key\": \"%s\", \"type\": \"%s\", \"params\": %s}".formatted(id, id, type, params);
    }

    /** A producer as a taskpipe process or another system would make one: acks=all, idempotent. */
    private static KafkaProducer<String, byte[]> producer(Role role) {
        return new KafkaProducer<>(ClientSettings.from(kafka.user(role.user(), PASSWORDS.get(role)))
                .set(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000").durableProducer().toMap());
    }

    private static KafkaConsumer<String, byte[]> consumer(Role role, String group) {
        ClientSettings settings = ClientSettings.from(kafka.user(role.user(), PASSWORDS.get(role))).bytesConsumer()
                .set(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) {
            settings.set(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(settings.toMap());
    }

    private interface Attempt {
        void run() throws Exception;
    }

    /** What Kafka threw at {@code attempt}, whether from the call or from the future it returned. */
    private static Throwable refusal(Attempt attempt) {
        try {
            attempt.run();
        } catch (Exception e) {
            Throwable cause = e;
            while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            System.out.println("refused as expected: " + cause);
            return cause;
        }
        throw new AssertionError("not refused");
    }
}
