package io.taskpipe.activity;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.TopicFollower;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;

/**
 * Hands {@link Activity} each dead letter written from {@link #LOOK_BACK} before a dispatcher started,
 * read from the dead-letter topic without a consumer group ({@link TopicFollower}): why (its code and
 * reason headers), where the original was read, and its task id and type when its value is JSON that
 * names them.
 */
@ApplicationScoped
public class DeadLetterFeed {

    /** How far back a starting dispatcher looks: a restart does not empty the dashboard's failures list. */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);

    private final boolean dispatches;
    private final TopicFollower follower;

    public DeadLetterFeed(TaskpipeConfig config, KafkaClients clients, Activity activity) {
        this.dispatches = config.role().dispatches();
        this.follower = new TopicFollower(() -> clients.newGroupless("taskpipe-dead-letter-feed"), config.topics().dlq(), LOOK_BACK,
                record -> onDeadLetter(record, activity));
    }

    void start(@Observes StartupEvent event) {
        if (dispatches) {
            follower.start("taskpipe-dead-letter-feed");
        }
    }

    void stop(@Observes ShutdownEvent event) {
        follower.stop();
    }

    static void onDeadLetter(ConsumerRecord<String, byte[]> record, Activity activity) {
        String where = Headers.text(record.headers(), Headers.DLQ_TOPIC) + "/" + Headers.text(record.headers(), Headers.DLQ_PARTITION)
                + "@" + Headers.text(record.headers(), Headers.DLQ_OFFSET);
        activity.deadLetter(Headers.text(record.headers(), Headers.DLQ_CODE), Headers.text(record.headers(), Headers.DLQ_REASON),
                TaskJson.peekText(record.value(), "id"), TaskJson.peekText(record.value(), "type"), where);
    }
}
