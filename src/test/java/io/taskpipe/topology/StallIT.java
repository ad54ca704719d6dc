package io.taskpipe.topology;

import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stall is provoked on purpose, and seen: the results topic refuses every record, so no outcome of a
 * task can ever be written. Past its deadline, cancel grace and publish timeout the dispatcher reports
 * itself not live, naming the task, so that an orchestrator restarts it.
 */
class StallIT {

    @Test
    void aTaskWithoutAnOutcomePastItsDeadlineAndGracesTurnsLivenessDownNamingIt() {
        try (Topology topology = new Topology("stall", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                .with("taskpipe.tasks.default-timeout", "1s")
                .with("taskpipe.tasks.cancel-grace", "1s")
                .with("taskpipe.results.publish-timeout", "2s")) {
            topology.createTopic(topology.names().results(), 8, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "200"));
            AppProcess dispatcher = topology.dispatcher("dispatcher");
            assertThat(dispatcher.liveness().status()).isEqualTo(200);
            try (var load = topology.load(1, 1)) {
                String id = load.send(Mixes.task("io.sleep", "millis", 10, 1_000));
                await("liveness DOWN").atMost(Duration.ofSeconds(60)).until(() -> dispatcher.liveness().status() == 503);
                AppProcess.Answer down = dispatcher.liveness();
                System.out.println("stall: " + down.body().replaceAll("\\s+", " "));
                assertThat(down.body()).contains("\"status\": \"DOWN\"").contains("IO.stalledOn").contains(id);
            }
        }
    }
}
