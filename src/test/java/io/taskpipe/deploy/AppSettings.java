package io.taskpipe.deploy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.taskpipe.config.TaskpipeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration a container would run with: {@code application.properties} of this build, under the
 * profile its {@code QUARKUS_PROFILE} names, overridden by its environment, resolved through
 * {@link TaskpipeConfig} and its defaults exactly as the app resolves them. The deployment files are
 * checked against this, not against copies of the defaults.
 */
record AppSettings(TaskpipeConfig taskpipe, Optional<String> bootstrapServers) {

    static AppSettings of(Map<String, String> env) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(Path.class, 100, Path::of)
                .withMapping(TaskpipeConfig.class)
                .withSources(new EnvConfigSource(env, 300));
        try {
            builder.withSources(new PropertiesConfigSource(Path.of("src/main/resources/application.properties").toUri().toURL(), 250));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String profile = env.get("QUARKUS_PROFILE");
        if (profile != null) {
            builder.withProfile(profile);
        }
        SmallRyeConfig config = builder.build();
        return new AppSettings(config.getConfigMapping(TaskpipeConfig.class), config.getOptionalValue("kafka.bootstrap.servers", String.class));
    }

    TaskpipeConfig.Role role() {
        return taskpipe.role();
    }

    /** The consumer group of the lane this role runs. */
    String group() {
        return role() == TaskpipeConfig.Role.CPU_WORKER ? taskpipe.lanes().cpu().group() : taskpipe.lanes().io().group();
    }

    /** The topic of the lane this role runs. */
    String topic() {
        return role() == TaskpipeConfig.Role.CPU_WORKER ? taskpipe.topics().cpuTasks() : taskpipe.topics().tasks();
    }

    /** The longest a running task may keep the drain waiting: its deadline cap, plus the grace to ignore cancellation. */
    Duration longestRun() {
        return taskpipe.tasks().maxTimeout().plus(taskpipe.tasks().cancelGrace());
    }

    Duration shutdownGrace() {
        return taskpipe.lanes().shutdownGrace();
    }
}
