package io.taskpipe.topology;

import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A process given settings it cannot work with stops at once, non-zero, naming the setting, instead of running wrong. */
class SettingsIT {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "taskpipe.lanes.max-deliveries  | 0    | taskpipe.lanes.max-deliveries",
            "taskpipe.tasks.default-timeout | 10m  | taskpipe.tasks.default-timeout (PT10M) exceeds taskpipe.tasks.max-timeout",
            "taskpipe.retries.jitter        | 1.5  | taskpipe.retries.jitter",
            "taskpipe.topics.dlq            | same | must be five different topics"})
    void aProcessWithImpossibleSettingsStopsNamingThem(String key, String value, String message) throws Exception {
        try (Topology topology = new Topology("settings", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())) {
            stopsNaming(topology, key, value.equals("same") ? topology.names().tasks() : value, message);
        }
    }

    @Test
    void aDispatcherWithoutApiKeysStopsNamingThem() throws Exception {
        try (Topology topology = new Topology("settings", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())) {
            stopsNaming(topology, "taskpipe.api.insecure", "false", "a dispatcher's task API needs API keys (taskpipe.api.keys.");
        }
    }

    private static void stopsNaming(Topology topology, String key, String value, String message) throws Exception {
        AppProcess process = AppProcess.of("settings-" + key.replace('.', '-'), "dispatcher",
                Map.of("kafka.bootstrap.servers", topology.bootstrap(), "taskpipe.topics.tasks", topology.names().tasks(), key, value),
                List.of(), Topology.LOGS).launch();
        await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(process.log())).contains(message);
    }
}
