package io.taskpipe.deploy;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.testing.ConfigurationTable;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables a taskpipe container understands, named the MicroProfile way (upper case,
 * every other character an underscore): each {@code taskpipe.*} key of {@link TaskpipeConfig}, each Kafka
 * client setting under {@code kafka.*}, each key {@code application.properties} sets, Quarkus' profile
 * variable, and the variables the image's Dockerfile declares. A name outside these is a typo the app
 * would silently ignore.
 */
final class EnvNames {

    /** Map-valued keys ({@code taskpipe.routing."<type>"}): any variable under their prefix. */
    private final Set<String> prefixes = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    private EnvNames() {
    }

    static EnvNames known() {
        EnvNames known = new EnvNames();
        for (ConfigurationTable.Setting setting : ConfigurationTable.settings()) {
            if (setting.map()) {
                known.prefixes.add(env(setting.key()) + "_");
            } else {
                known.names.add(env(setting.key()));
            }
        }
        for (Set<String> kafka : new Set[]{ConsumerConfig.configNames(), ProducerConfig.configNames(), AdminClientConfig.configNames()}) {
            kafka.forEach(name -> known.names.add(env("kafka." + name)));
        }
        known.names.add("QUARKUS_PROFILE"); // read by Quarkus itself before any configuration
        known.names.add("QUARKUS_CONFIG_LOCATIONS"); // likewise: further configuration files (the API keys' Secret)
        try {
            for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
                Matcher key = Pattern.compile("^(?:%[\\w-]+\\.)?([\\w.\"-]+)=").matcher(line);
                if (key.find()) {
                    known.names.add(env(key.group(1)));
                }
            }
            Matcher declared = Pattern.compile("^\\s*(?:ENV\\s+)?([A-Z_]+)=", Pattern.MULTILINE)
                    .matcher(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")));
            while (declared.find()) {
                known.names.add(declared.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return known;
    }

    boolean isKnown(String name) {
        return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
    }

    /** The environment variable of a configuration key: {@code taskpipe.lanes.io.max-in-flight} is {@code TASKPIPE_LANES_IO_MAX_IN_FLIGHT}. */
    static String env(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }
}
