package io.taskpipe.consumer;

import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.ShareGroups;
import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CPU lane's share-group feed on a real broker, the test playing the tasks: lanes beyond the partition
 * count all get work, a record handed back comes again counted by the broker up to its limit, a long task
 * keeps its lock, and a stopping lane releases what it holds at once.
 */
class ShareLaneConsumerIT {

    private final KafkaClients clients = new KafkaClients(Map.of(), KafkaBroker.broker().bootstrapServers());
    private final String topic = "share-lane-" + UUID.randomUUID();
    private final String group = topic + "-group";
    private final List<ShareLaneConsumer> lanes = new ArrayList<>();
    private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        lanes.forEach(lane -> lane.stop(Duration.ZERO));
        tasks.shutdownNow();
    }

    @Test
    void threeLanesOnOnePartitionEachFinishTasksAndEveryRecordEndsOnce() throws Exception {
        setUp(Optional.empty());
        Set<String> ended = ConcurrentHashMap.newKeySet();
        List<Set<String>> byLane = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Set<String> mine = ConcurrentHashMap.newKeySet();
            byLane.add(mine);
            lane(2, (record, delivery) -> tasks.submit(() -> {
                start(delivery);
                sleep(20); // long enough that one lane cannot take every record
                if (delivery.finish()) {
                    assertThat(ended.add(record.key())).as("ended once: " + record.key()).isTrue();
                    mine.add(record.key());
                    delivery.done(false);
                }
            }));
        }
        List<String> keys = send(60);
        await().atMost(Duration.ofSeconds(60)).until(() -> ended.containsAll(keys));
        assertThat(byLane).allSatisfy(mine -> assertThat(mine).isNotEmpty());
    }

    @Test
    void aRecordHandedBackComesAgainCountedUntilItsLastDeliveryWhichIsExhausted() throws Exception {
        setUp(Optional.empty());
        int limit;
        try (Admin admin = clients.newAdmin()) {
            limit = ShareGroups.deliveryLimit(admin);
        }
        BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        lane(1, (record, delivery) -> {
            deliveries.add(delivery);
            if (delivery.exhausted() && delivery.finish()) {
                delivery.done(true); // the lane writes the task off as lost here, and its outcome ends the record
            } else {
                delivery.skip();
            }
        });
        send(1);
        for (int attempt = 1; attempt <= limit; attempt++) {
            Delivery delivery = deliveries.poll(30, TimeUnit.SECONDS);
            assertThat(delivery).as("delivery " + attempt).isNotNull();
            assertThat(delivery.attempt()).isEqualTo(attempt);
            assertThat(delivery.exhausted()).isEqualTo(attempt == limit);
        }
        assertThat(deliveries.poll(2, TimeUnit.SECONDS)).as("accepted after its last delivery: never delivered again").isNull();
    }

    @Test
    void aTaskLongerThanTheLockKeepsItAndEndsOnce() throws Exception {
        setUp(Optional.of(Duration.ofSeconds(2))); // the embedded broker allows locks this short
        BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        BiConsumer<ConsumerRecord<String, byte[]>, Delivery> slowTask = (record, delivery) -> {
            deliveries.add(delivery);
            tasks.submit(() -> {
                start(delivery);
                sleep(5_000); // two and a half locks long: without renewal another lane would take the record over
                if (delivery.finish()) {
                    delivery.done(false);
                }
            });
        };
        lane(1, slowTask::accept);
        lane(1, slowTask::accept);
        send(1);
        assertThat(deliveries.poll(30, TimeUnit.SECONDS)).isNotNull();
        assertThat(deliveries.poll(8, TimeUnit.SECONDS)).as("delivered again while or after its first delivery ran").isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> lanes.stream().allMatch(l -> l.outstanding() == 0));
    }

    @Test
    void aStoppingLaneReleasesWhatItHoldsSoAnotherTakesItAtOnce() throws Exception {
        setUp(Optional.empty()); // the lock is the broker's default, 30 s: a record left to its lock would wait that long
        CountDownLatch running = new CountDownLatch(1);
        ShareLaneConsumer stopping = lane(1, (record, delivery) -> tasks.submit(() -> {
            start(delivery);
            running.countDown();
            sleep(60_000); // interrupted when the lane abandons it
            if (delivery.finish()) {
                delivery.done(false);
            }
        }));
        send(1);
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        BlockingQueue<Delivery> again = new LinkedBlockingQueue<>();
        lane(1, (record, delivery) -> again.add(delivery));
        long stoppedAt = System.nanoTime();
        stopping.stop(Duration.ofMillis(100));
        Delivery next = again.poll(20, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        assertThat(next.attempt()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(20));
    }

    private void setUp(Optional<Duration> lock) throws Exception {
        try (Admin admin = clients.newAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            ShareGroups.configure(admin, group, lock);
        }
    }

    private ShareLaneConsumer lane(int slots, RecordHandler handler) {
        int limit;
        try (Admin admin = clients.newAdmin()) {
            limit = ShareGroups.deliveryLimit(admin);
        }
        ShareLaneConsumer lane = new ShareLaneConsumer(new ShareLaneConsumer.Settings("test-share-" + lanes.size(), topic, slots, limit),
                () -> clients.newShareConsumer(group), handler);
        lanes.add(lane);
        lane.start();
        return lane;
    }

    private List<String> send(int count) throws Exception {
        List<String> keys = IntStream.range(0, count).mapToObj(i -> "k" + i).toList();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientSettings.bootstrap(clients.bootstrapServers())
                .durableProducer().toMap())) {
            for (String key : keys) {
                producer.send(new ProducerRecord<>(topic, key, key.getBytes()));
            }
            producer.flush();
        }
        return keys;
    }

    private static void start(Delivery delivery) {
        try {
            assertThat(delivery.start()).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
