package io.taskpipe.config;

import jakarta.validation.constraints.Min;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The all-in-one mode's cpu-worker children. */
public interface LocalWorkersConfig {

    /** cpu-worker children of the all-in-one mode. Default: 1 with the embedded broker, else 0. */
    @Min(0)
    OptionalInt count();

    /** Jar the children run. Default: the running jar. */
    Optional<Path> jar();

    /** JVM options of the children, comma-separated. Default: none. */
    Optional<List<String>> jvmOptions();

    /** Directory for the children's output ({@code cpu-worker-<n>.log}). Default: this console. */
    Optional<Path> logDir();

    /** Set by a parent on its children, which exit with it (internal). Default: unset. */
    OptionalLong parentPid();
}
