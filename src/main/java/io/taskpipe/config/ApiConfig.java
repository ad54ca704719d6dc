package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** {@code POST /tasks}: how much one request and all requests together may carry. */
public interface ApiConfig {

    /** Tasks one request may carry; more answer {@code 413}. */
    @WithDefault("10000")
    @Min(1)
    int maxTasks();

    /**
     * Request bytes handled at once (parsing, validating, publishing); a request beyond answers {@code 429}
     * with {@code Retry-After}. Each request is also capped by {@code quarkus.http.limits.max-body-size}
     * (10 MiB by default; {@code 413}).
     */
    @WithDefault("67108864")
    @Min(1024)
    long maxInFlightBytes();

    /** Transactional producers publishing requests' batches at once; further requests wait for one. */
    @WithDefault("4")
    @Min(1)
    int producers();

    /**
     * How long a request may wait for a producer and for the broker before it answers {@code 503} with
     * nothing published. The broker ends a transaction whose dispatcher died in it after twice this;
     * until then that transaction's partitions wait.
     */
    @WithDefault("10s")
    Duration publishTimeout();
}
