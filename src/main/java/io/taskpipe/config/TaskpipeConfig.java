package io.taskpipe.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.taskpipe.config.ExecutorKind;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.contract.Lane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of taskpipe, under the prefix {@code taskpipe}. The README's configuration table lists
 * the same keys (a test keeps the two in step). Kafka client settings stay under {@code kafka.*}.
 */
@ConfigMapping(prefix = "taskpipe")
public interface TaskpipeConfig {

    /** What this process does: {@code all-in-one} (default), {@code dispatcher} or {@code cpu-worker}. Set by the profile of the same name. */
    @WithDefault("all-in-one")
    Role role();

    Topics topics();

    Lanes lanes();

    /** Per task type, the lane that runs it, overriding the lane the type declares, e.g. {@code taskpipe.routing."compute.sum"=IO}. */
    Map<String, Lane> routing();

    Tasks tasks();

    Retries retries();

    Files files();

    Urls urls();

    Results results();

    Api api();

    Embedded embedded();

    @WithName("local-workers")
    LocalWorkers localWorkers();

    enum Role {
        ALL_IN_ONE, DISPATCHER, CPU_WORKER;

        public boolean dispatches() {
            return this != CPU_WORKER;
        }
    }

    interface Topics {
        /** Topic other systems publish tasks to. Default {@code taskpipe.tasks}. */
        @WithDefault("taskpipe.tasks")
        String tasks();

        /** Topic the dispatcher forwards CPU tasks to and cpu-workers consume. Default {@code taskpipe.tasks.cpu}. */
        @WithName("cpu-tasks")
        @WithDefault("taskpipe.tasks.cpu")
        String cpuTasks();

        /** Topic of result records. Default {@code taskpipe.results}. */
        @WithDefault("taskpipe.results")
        String results();

        /** Topic of dead letters. Default {@code taskpipe.dlq}. */
        @WithDefault("taskpipe.dlq")
        String dlq();

        /** Whether a starting process creates missing topics. Default {@code true}. */
        @WithDefault("true")
        boolean create();

        /** Partitions of the tasks, CPU tasks and results topics when this process creates them. Default {@code 8}. */
        @WithDefault("8")
        int partitions();

        /** Replication factor of topics this process creates; {@code -1} uses the broker's default. Default {@code -1}. */
        @WithName("replication-factor")
        @WithDefault("-1")
        short replicationFactor();
    }

    interface Lanes {
        Io io();

        Cpu cpu();

        /** On shutdown (SIGTERM), how long running tasks may take to finish before the process leaves. Default {@code 30s}. */
        @WithName("shutdown-grace")
        @WithDefault("30s")
        Duration shutdownGrace();

        /** Deliveries whose run started and lost its process, after which a task goes to the dead-letter topic as {@code WORKER_LOST}. Default {@code 3}. */
        @WithName("max-deliveries")
        @WithDefault("3")
        int maxDeliveries();

        /** Static group membership: a stable, unique id per process (e.g. a StatefulSet pod name) lets a restarted process take its partitions back at once, without a rebalance. Default: none (dynamic membership). */
        @WithName("instance-id")
        Optional<String> instanceId();

        /**
         * On a rebalance, how long the revoked partitions' running tasks may take before they are cancelled,
         * their outcomes fenced, and left to the new owner. Default {@code 10s}.
         */
        @WithName("revoke-grace")
        @WithDefault("10s")
        Duration revokeGrace();

        /**
         * How often finished tasks are committed when nothing forces a commit sooner (a CPU task's
         * start, a rebalance, a stop). Longer means fewer writes at the broker and more finished tasks
         * run again after a crash. Default {@code 100ms}.
         */
        @WithName("commit-interval")
        @WithDefault("100ms")
        Duration commitInterval();

        /** Memory for each lane's ordering evidence (the highest {@code seq} per key); least recent keys are forgotten first. Default {@code 8388608} (8 MiB). */
        @WithName("ordering-ledger-bytes")
        @WithDefault("8388608")
        long orderingLedgerBytes();
    }

    /** What the two lanes' settings share. */
    interface LaneGroup {
        /** {@code KEY} (default), {@code PARTITION} or {@code NONE}. */
        @WithDefault("KEY")
        OrderingMode ordering();

        boolean syncStarts();

        String group();

        long maxHeldBytes();
    }

    interface Io extends LaneGroup {
        /** Tasks the IO lane runs at once. Default {@code 1024}. */
        @WithName("max-in-flight")
        @WithDefault("1024")
        int maxInFlight();

        /** Tasks held in memory beyond those running (waiting for their key or a free slot). Default {@code 1024}. */
        @WithName("queue-capacity")
        @WithDefault("1024")
        int queueCapacity();

        /** {@code VIRTUAL}: one virtual thread per task (default). {@code PLATFORM}: a pool of {@code platform-threads}. */
        @WithDefault("VIRTUAL")
        ExecutorKind executor();

        /** Size of the platform-thread pool when {@code executor=PLATFORM}. Default {@code 200}. */
        @WithName("platform-threads")
        @WithDefault("200")
        int platformThreads();

        /** Whether a task's start is committed before it runs (see the README's "Delivery"); otherwise with the next commit. Default {@code false}: waiting work rarely kills its process, and the IO lane's latency is small. */
        @Override
        @WithName("sync-starts")
        @WithDefault("false")
        boolean syncStarts();

        /** Consumer group of the dispatchers. Default {@code taskpipe-dispatcher}. */
        @Override
        @WithDefault("taskpipe-dispatcher")
        String group();

        /** Bytes of task records (key, value, headers) the IO lane holds at once, running, queued or read ahead; beyond it, it stops fetching. Default {@code 67108864} (64 MiB). */
        @Override
        @WithName("max-held-bytes")
        @WithDefault("67108864")
        long maxHeldBytes();
    }

    interface Cpu extends LaneGroup {
        /** Tasks a cpu-worker runs at once. Default: the processors the JVM sees (container-aware). */
        OptionalInt slots();

        /** Tasks a cpu-worker holds beyond those running. Default: 4 per slot. */
        @WithName("queue-capacity")
        OptionalInt queueCapacity();

        /** Whether a task's start is committed before it runs, so that even a task that kills its worker at once is counted. Default {@code true}. */
        @Override
        @WithName("sync-starts")
        @WithDefault("true")
        boolean syncStarts();

        /** Consumer group of the cpu-workers. Default {@code taskpipe-cpu-worker}. */
        @Override
        @WithDefault("taskpipe-cpu-worker")
        String group();

        /** Bytes of task records a cpu-worker holds at once, running, queued or read ahead. Default {@code 16777216} (16 MiB). */
        @Override
        @WithName("max-held-bytes")
        @WithDefault("16777216")
        long maxHeldBytes();
    }

    interface Tasks {
        /** Deadline of a task that gives no {@code timeoutMs}. Default {@code 30s}. */
        @WithName("default-timeout")
        @WithDefault("30s")
        Duration defaultTimeout();

        /** Upper bound on any task's deadline; a larger {@code timeoutMs} is capped to it. Default {@code 5m}. */
        @WithName("max-timeout")
        @WithDefault("5m")
        Duration maxTimeout();

        /** Per task type, a lower cap than {@code max-timeout}, e.g. {@code taskpipe.tasks.max-timeouts."url.fetch"=1m}. Default: none. */
        @WithName("max-timeouts")
        Map<String, Duration> maxTimeouts();

        /**
         * How long a task may ignore its cancellation after its deadline before it is given up on: its
         * result says {@code TIMED_OUT}, and a cpu-worker restarts to get its thread back. Default {@code 10s}.
         */
        @WithName("cancel-grace")
        @WithDefault("10s")
        Duration cancelGrace();

        /**
         * Enables the {@code test.*} task types, which misbehave on purpose ({@code test.crash} halts its
         * process, {@code test.spin} ignores cancellation): for reliability tests only. Default {@code false}.
         */
        @WithName("test-types-enabled")
        @WithDefault("false")
        boolean testTypesEnabled();

        /** Largest task record accepted, in bytes (below the broker's own limit, so the dead letter fits). Default {@code 262144} (256 KiB). */
        @WithName("max-record-bytes")
        @WithDefault("262144")
        int maxRecordBytes();
    }

    interface Retries {
        /** Runs of a task that fails transiently, the first included, before it goes to the dead-letter topic. Default {@code 4}. */
        @WithName("max-attempts")
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the first retry. Default {@code 1s}. */
        @WithName("initial-backoff")
        @WithDefault("1s")
        Duration initialBackoff();

        /** Factor the wait grows by with each retry. Default {@code 2}. */
        @WithDefault("2")
        double multiplier();

        /** Longest wait between retries. Default {@code 60s}. */
        @WithName("max-backoff")
        @WithDefault("60s")
        Duration maxBackoff();

        /** Random spread of each wait, as a fraction of it (0.2 = ±20 %), so retries of many tasks do not align. Default {@code 0.2}. */
        @WithDefault("0.2")
        double jitter();
    }

    interface Files {
        /** Directory {@code file.*} and {@code compute.thumbnail} paths are resolved in; nothing outside it is read. Default {@code data}. */
        @WithName("base-dir")
        @WithDefault("data")
        Path baseDir();

        /** Largest file a task reads, in bytes. Default {@code 1073741824} (1 GiB). */
        @WithName("max-bytes")
        @WithDefault("1073741824")
        long maxBytes();
    }

    interface Urls {
        /** Hosts {@code url.fetch} may reach, as names or CIDRs; empty allows any public address. Default: empty. */
        @WithName("allow-hosts")
        Optional<List<String>> allowHosts();

        /** Hosts {@code url.fetch} never reaches, as names ({@code *.corp.example}) or CIDRs; wins over the allowlist. Default: empty. */
        @WithName("deny-hosts")
        Optional<List<String>> denyHosts();

        /** Whether loopback addresses may be fetched (tests and local demos). Default {@code false}. */
        @WithName("allow-loopback")
        @WithDefault("false")
        boolean allowLoopback();

        /** Largest response body read, in bytes. Default {@code 10485760} (10 MiB). */
        @WithName("max-body-bytes")
        @WithDefault("10485760")
        long maxBodyBytes();

        /** Redirects followed, each re-validated. Default {@code 3}. */
        @WithName("max-redirects")
        @WithDefault("3")
        int maxRedirects();

        /** Time allowed to connect. Default {@code 5s}. */
        @WithName("connect-timeout")
        @WithDefault("5s")
        Duration connectTimeout();
    }

    interface Results {
        /** Memory for the results kept for {@code GET /tasks/{id}}; the oldest are dropped first. Default {@code 67108864} (64 MiB). */
        @WithName("view-bytes")
        @WithDefault("67108864")
        long viewBytes();

        /**
         * How long publishing a task's outcome may take, retries included. Past it the send is given up,
         * the task stays unfinished (its offset uncommitted) and liveness reports the lane stalled. Default {@code 2m}.
         */
        @WithName("publish-timeout")
        @WithDefault("2m")
        Duration publishTimeout();
    }

    interface Api {
        /** Tasks one {@code POST /tasks} may carry; more answer {@code 413}. Default {@code 10000}. */
        @WithName("max-tasks")
        @WithDefault("10000")
        int maxTasks();

        /**
         * Request bytes the REST API handles at once (parsing, validating, publishing); a request beyond
         * answers {@code 429} with {@code Retry-After}. Each request is also capped by Quarkus's
         * {@code quarkus.http.limits.max-body-size} (10 MiB; {@code 413}). Default {@code 67108864} (64 MiB).
         */
        @WithName("max-in-flight-bytes")
        @WithDefault("67108864")
        long maxInFlightBytes();

        /** Transactional producers publishing REST batches at once; further requests wait for one. Default {@code 4}. */
        @WithDefault("4")
        int producers();

        /**
         * How long a REST batch may wait for a producer and for the broker before the request answers
         * {@code 503} with nothing published. Also bounds how long the broker keeps the transaction of a
         * dispatcher that died in it open (twice this), during which its partitions' readers wait. Default {@code 10s}.
         */
        @WithName("publish-timeout")
        @WithDefault("10s")
        Duration publishTimeout();
    }

    interface Embedded {
        /** Port of the embedded broker, started when {@code kafka.bootstrap.servers} is not set. Default {@code 9092}. */
        @WithDefault("9092")
        int port();

        /** Where the embedded broker keeps its data; default: a temporary directory removed on exit. */
        @WithName("data-dir")
        Optional<Path> dataDir();
    }

    interface LocalWorkers {
        /** cpu-worker child processes the all-in-one mode starts. Default: 1 with the embedded broker, else 0. */
        OptionalInt count();

        /** Application jar the children run; default: the jar this process was started from. */
        Optional<Path> jar();

        /** Extra JVM options for the children, e.g. {@code -Xmx512m}. Default: none. */
        @WithName("jvm-options")
        Optional<List<String>> jvmOptions();

        /** Directory for the children's console output ({@code cpu-worker-<n>.log}); default: this process's console. */
        @WithName("log-dir")
        Optional<Path> logDir();

        /** Set by a parent on its children: the child exits when this process does. Internal. */
        @WithName("parent-pid")
        java.util.OptionalLong parentPid();
    }
}
