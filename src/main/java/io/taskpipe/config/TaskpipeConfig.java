package io.taskpipe.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.Valid;

/**
 * Every setting of taskpipe, under the prefix {@code taskpipe}, one group per file. Names are the methods'
 * in kebab case; defaults are in {@code @WithDefault} (or, where computed, in a "Default:" sentence), and
 * {@code docs/configuration.md}'s table is generated from these files. Constraints are checked at start:
 * a setting out of range stops the process with a message naming it. Kafka client settings stay under {@code kafka.*}.
 */
@ConfigMapping(prefix = "taskpipe")
public interface TaskpipeConfig {

    /** What this process does: {@code all-in-one}, {@code dispatcher} or {@code cpu-worker}; set by the profiles of those names. */
    @WithDefault("all-in-one")
    Role role();

    @Valid
    TopicsConfig topics();

    @Valid
    LanesConfig lanes();

    @Valid
    RoutingConfig routing();

    @Valid
    TasksConfig tasks();

    @Valid
    RetriesConfig retries();

    @Valid
    FilesConfig files();

    @Valid
    UrlsConfig urls();

    @Valid
    ResultsConfig results();

    @Valid
    ApiConfig api();

    @Valid
    HeartbeatConfig heartbeat();

    @Valid
    EmbeddedConfig embedded();

    @Valid
    LocalWorkersConfig localWorkers();

    enum Role {
        ALL_IN_ONE, DISPATCHER, CPU_WORKER;

        public boolean dispatches() {
            return this != CPU_WORKER;
        }
    }
}
