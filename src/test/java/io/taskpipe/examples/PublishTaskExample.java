package io.taskpipe.examples;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/** The "publish from Java" example of docs/contract.md, compiled and run by ReadmeExamplesIT so it cannot rot (DocsTest checks the page shows this code). */
public final class PublishTaskExample {

    public static void main(String[] args) throws Exception {
        publish(args.length > 0 ? args[0] : "localhost:9092", "order-42-thumbnail");
    }

    public static void publish(String bootstrapServers, String taskId) throws Exception {
        // example:start
        Map<String, Object> config = Map.of(
                "bootstrap.servers", bootstrapServers,
                "acks", "all",                         // the task is durable once send() completes
                "enable.idempotence", true,
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName());
        String task = """
                {"id": "%s", "type": "compute.sha256", "key": "customer-42", "seq": 1,
                 "params": {"mebibytes": 8, "seed": 42}}""".formatted(taskId);
        try (var producer = new KafkaProducer<String, String>(config)) {
            // the record key is the task's ordering key: one key, one partition, one order
            producer.send(new ProducerRecord<>("taskpipe.tasks", "customer-42", task)).get();
        }
        // example:end
    }
}
