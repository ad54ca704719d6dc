package io.taskpipe.topology;

import io.taskpipe.check.Checker;
import io.taskpipe.check.History;
import io.taskpipe.check.HistoryReader;
import io.taskpipe.check.Produced;
import io.taskpipe.check.Report;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST intake under load: 32 batches of 500 tasks from 16 concurrent clients and one batch of 10,000,
 * on a dispatcher with one publisher, for which requests queue holding their bytes, and room for 512 KiB of
 * submissions (less than 16 queued batches, or the large batch alone), so that some are refused. Every answer is 202 or a
 * documented refusal (429, 503), and a batch of 10,000 alone is accepted; the checker proves that exactly
 * the accepted tasks ran, and none of a refused batch.
 */
class RestIntakeIT {

    @Test
    void concurrentBatchesAreAcceptedWholeOrRefusedWhole() throws Exception {
        try (Topology topology = new Topology("rest-intake", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                .with("taskpipe.api.producers", "1")
                .with("taskpipe.api.max-in-flight-bytes", "524288")) {
            AppProcess dispatcher = topology.deploy("dispatcher", "worker").dispatcher();
            String prefix = topology.idPrefix();
            List<List<String>> batches = new ArrayList<>();
            for (int b = 0; b < 32; b++) {
                batches.add(ids(prefix + "b" + b + "-", 500));
            }
            batches.add(ids(prefix + "big-", 10_000));
            Map<Integer, Integer> answers = new ConcurrentHashMap<>();
            List<Produced> accepted = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<AppProcess.Answer>> sent = new ArrayList<>();
                for (List<String> batch : batches) {
                    sent.add(clients.submit(() -> dispatcher.post("/tasks", body(batch))));
                }
                for (int i = 0; i < batches.size(); i++) {
                    AppProcess.Answer answer = sent.get(i).get();
                    answers.merge(answer.status(), 1, Integer::sum);
                    assertThat(answer.status()).as(answer.body()).isIn(202, 429, 503);
                    if (answer.status() == 202) {
                        batches.get(i).forEach(id -> accepted.add(new Produced(id, id, null)));
                    } else {
                        assertThat(answer.body()).contains("error");
                    }
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(answers.get(202)).as("most batches get through").isGreaterThan(batches.size() / 2);
            List<String> alone = ids(prefix + "alone-", 10_000);
            AppProcess.Answer big = dispatcher.post("/tasks", body(alone));
            assertThat(big.status()).as("10,000 tasks in a request of their own: " + big.body()).isEqualTo(202);
            alone.forEach(id -> accepted.add(new Produced(id, id, null)));
            System.out.printf("REST intake: concurrent answers by status %s, then 10,000 alone: %d; %d tasks accepted%n",
                    new TreeMap<>(answers), big.status(), accepted.size());

            try (Outcomes outcomes = new Outcomes(topology)) {
                outcomes.awaitAll(accepted, Duration.ofMinutes(3));
            }
            History history = HistoryReader.read(topology.kafka(), topology.names().results(), topology.names().dlq(),
                    id -> id.startsWith(prefix), Duration.ofSeconds(2));
            Report report = Checker.check(accepted, history);
            System.out.println(report.format("rest-intake"));
            assertThat(report.lost()).as("accepted but never run").isZero();
            assertThat(report.unexpected()).as("run though its request was refused").isZero();
            assertThat(report.duplicates()).isZero();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> topology.committedAndEnd(topology.names().dispatcherGroup(), topology.names().tasks())
                    .forEach((partition, positions) -> assertThat(positions[0]).as(partition.toString()).isEqualTo(positions[1])));
        }
    }

    private static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    private static String body(List<String> ids) {
        StringBuilder json = new StringBuilder("[");
        for (String id : ids) {
            json.append(json.length() > 1 ? "," : "").append("{\"id\":\"").append(id).append("\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
        }
        return json.append(']').toString();
    }
}
