package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.Map;

/** The task API: who may use it, and how much one request and all requests together may carry. */
public interface ApiConfig {

    /**
     * API keys by principal name: {@code taskpipe.api.keys."<name>".sha256} is the SHA-256 of the key (64
     * hex digits; the key itself is never stored) and {@code .roles} its roles ({@code submit}, {@code read},
     * {@code admin}). A caller sends the key as {@code Authorization: Bearer <key>}. Without any key (or
     * identity provider, {@code quarkus.oidc.*}) every caller is the principal {@code local} with every
     * role, which only the all-in-one mode on loopback allows, unless {@code taskpipe.api.insecure}.
     */
    @Valid
    Map<String, ApiKeyConfig> keys();

    /**
     * Lets a {@code dispatcher}, or an all-in-one process listening beyond loopback, start without API
     * keys or identity provider: anyone who reaches its port may then submit tasks and read every result. Logged as a warning
     * at start.
     */
    @WithDefault("false")
    boolean insecure();

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
