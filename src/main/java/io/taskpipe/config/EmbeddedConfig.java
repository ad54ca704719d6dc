package io.taskpipe.config;

import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** The broker the all-in-one mode runs in its own JVM when {@code kafka.bootstrap.servers} is unset. */
public interface EmbeddedConfig {

    /** Port of the embedded broker. */
    @WithDefault("9092")
    int port();

    /** Where the embedded broker keeps its data (kept across restarts when set). Default: a temporary directory, removed on exit. */
    Optional<Path> dataDir();
}
