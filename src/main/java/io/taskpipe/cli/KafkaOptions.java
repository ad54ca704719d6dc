package io.taskpipe.cli;

import io.taskpipe.kafka.ClientSettings;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The options naming a pipeline's Kafka side, as the load and check commands both take them (a picocli
 * {@code @Mixin}): its bootstrap servers and the topics its outcomes are read from. What a missing
 * {@code --bootstrap-servers} means is the command's, so each command mixes in the variant that says it.
 */
public abstract class KafkaOptions {

    @Option(names = "--results-topic", defaultValue = "taskpipe.results", description = "Default: ${DEFAULT-VALUE}.")
    String resultsTopic;

    @Option(names = "--dlq-topic", defaultValue = "taskpipe.dlq", description = "Default: ${DEFAULT-VALUE}.")
    String dlqTopic;

    /** The bootstrap servers given, or the variant's default; null when neither. */
    public abstract String bootstrapServers();

    public String resultsTopic() {
        return resultsTopic;
    }

    public String dlqTopic() {
        return dlqTopic;
    }

    /** Client settings for the given (or default) bootstrap servers; a command asks only when it has some. */
    public Map<String, Object> kafka() {
        if (bootstrapServers() == null) {
            throw new IllegalStateException("no --bootstrap-servers given");
        }
        return ClientSettings.bootstrap(bootstrapServers()).toMap();
    }

    /** For a command that reads a running pipeline: one on this machine unless told otherwise. */
    public static final class Running extends KafkaOptions {

        @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }
    }

    /** For a command that, given no broker, starts a pipeline of its own. */
    public static final class RunningOrLocal extends KafkaOptions {

        @Option(names = "--bootstrap-servers",
                description = "Kafka of a running pipeline. Default: start a local all-in-one pipeline (embedded broker) for this run.")
        String bootstrapServers;

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }
    }
}
