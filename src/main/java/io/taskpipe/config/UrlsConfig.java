package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where {@code url.fetch} may go, and how much it reads. */
public interface UrlsConfig {

    /**
     * Host names ({@code *.example.com}) and CIDRs {@code url.fetch} may reach; empty allows any public address. A CIDR also
     * lifts the address denials (private, loopback, ...) for its block, so none may be wider than /8 (IPv4) or /16 (IPv6):
     * the process refuses to start. Default: empty.
     */
    Optional<List<String>> allowHosts();

    /** Host names and CIDRs {@code url.fetch} never reaches; wins over the allowlist. Default: empty. */
    Optional<List<String>> denyHosts();

    /** Let {@code url.fetch} reach loopback addresses (tests and local demos). */
    @WithDefault("false")
    boolean allowLoopback();

    /** Largest response body read, in bytes. */
    @WithDefault("10485760")
    @Min(0)
    long maxBodyBytes();

    /** Redirects followed, each checked like the first request. */
    @WithDefault("3")
    @Min(0)
    int maxRedirects();

    /** Time to connect. */
    @WithDefault("5s")
    Duration connectTimeout();
}
