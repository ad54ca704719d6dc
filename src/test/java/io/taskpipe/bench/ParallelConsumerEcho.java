package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import io.taskpipe.kafka.ClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Goal G4's comparison: Confluent's Parallel Consumer (KEY ordering) doing what taskpipe does for
 * {@code io.sleep}: read the task, wait {@code params.millis}, publish a result record
 * ({@code pollAndProduce}: the offset is committed after the result is acknowledged). At Parallel
 * Consumer's documented defaults unless a concurrency is given.
 * Usage: {@code ParallelConsumerEcho BOOTSTRAP TASKS_TOPIC RESULTS_TOPIC GROUP [MAX_CONCURRENCY]}.
 */
public final class ParallelConsumerEcho {

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        var consumer = new KafkaConsumer<String, byte[]>(ClientSettings.bootstrap(bootstrap).bytesConsumer()
                .set(ConsumerConfig.GROUP_ID_CONFIG, args[3]).set(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .set(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest").toMap());
        var producer = new KafkaProducer<String, byte[]>(ClientSettings.bootstrap(bootstrap).durableProducer()
                .set(ProducerConfig.LINGER_MS_CONFIG, "1").toMap());
        var options = ParallelConsumerOptions.<String, byte[]>builder()
                .ordering(ParallelConsumerOptions.ProcessingOrder.KEY)
                .consumer(consumer)
                .producer(producer);
        if (args.length > 4) {
            options.maxConcurrency(Integer.parseInt(args[4]));
        }
        ParallelStreamProcessor<String, byte[]> processor = ParallelStreamProcessor.createEosStreamProcessor(options.build());
        processor.subscribe(List.of(args[1]));
        processor.pollAndProduce(context -> {
            ConsumerRecord<String, byte[]> record = context.getSingleConsumerRecord();
            Instant started = Instant.now();
            JsonNode task = EchoResults.task(record.value());
            long millis = task.path("params").path("millis").asLong();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ProducerRecord<>(args[2], record.key(), EchoResults.result(task, record, started, Map.of("sleptMs", millis)));
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processor.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
