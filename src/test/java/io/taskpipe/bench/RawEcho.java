package io.taskpipe.bench;

import io.taskpipe.kafka.ClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Goal G1's baseline: a plain KafkaConsumer → KafkaProducer echo, no framework. Each task is answered
 * at once with a result record. Producer settings as taskpipe's ({@code acks=all}, idempotence,
 * {@code linger.ms=1}); offsets auto-committed. With {@code relay} it forwards each record unchanged
 * instead: G9's first hop of a two-hop echo, as the dispatcher forwards CPU tasks.
 * Usage: {@code RawEcho BOOTSTRAP TASKS_TOPIC RESULTS_TOPIC GROUP [relay]}.
 */
public final class RawEcho {

    public static void main(String[] args) {
        String bootstrap = args[0];
        boolean relay = args.length > 4 && args[4].equals("relay");
        try (var consumer = new KafkaConsumer<String, byte[]>(ClientSettings.bootstrap(bootstrap).bytesConsumer()
                .set(ConsumerConfig.GROUP_ID_CONFIG, args[3]).set(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest").toMap());
             var producer = new KafkaProducer<String, byte[]>(ClientSettings.bootstrap(bootstrap).durableProducer()
                     .set(ProducerConfig.LINGER_MS_CONFIG, "1").toMap())) {
            Runtime.getRuntime().addShutdownHook(new Thread(consumer::wakeup));
            consumer.subscribe(List.of(args[1]));
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Instant started = Instant.now();
                    byte[] out = relay ? record.value()
                            : EchoResults.result(EchoResults.task(record.value()), record, started, Map.of("sleptMs", 0));
                    producer.send(new ProducerRecord<>(args[2], record.key(), out));
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // SIGTERM
        }
    }
}
