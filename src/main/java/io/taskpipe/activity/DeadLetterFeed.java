package io.taskpipe.activity;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.TopicReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Hands {@link Activity} each dead letter written from the moment a dispatcher started, read from the
 * dead-letter topic without a consumer group: why (its code and reason headers), where the original
 * was read, and its task id and type when its value is JSON that names them. The reader starts on a
 * thread of its own, so a broker that is slow to answer never holds up the start.
 */
@ApplicationScoped
public class DeadLetterFeed {

    private static final Logger LOG = Logger.getLogger(DeadLetterFeed.class);

    private final TaskpipeConfig config;
    private final KafkaClients clients;
    private final Activity activity;
    private volatile TopicReader reader;
    private volatile boolean stopped;

    public DeadLetterFeed(TaskpipeConfig config, KafkaClients clients, Activity activity) {
        this.config = config;
        this.clients = clients;
        this.activity = activity;
    }

    void start(@Observes StartupEvent event) {
        if (!config.role().dispatches()) {
            return;
        }
        Thread.ofPlatform().daemon().name("dead-letter-feed-start").start(() -> {
            try {
                TopicReader started = clients.newReader(List.of(config.topics().dlq()), TopicReader.From.END);
                synchronized (this) {
                    if (stopped) {
                        started.close();
                        return;
                    }
                    reader = started.follow("dead-letter-feed", this::onDeadLetter);
                }
            } catch (RuntimeException e) {
                LOG.warnf("the dashboard will not list dead letters: cannot read %s (%s)", config.topics().dlq(), e.toString());
            }
        });
    }

    void onDeadLetter(ConsumerRecord<String, byte[]> record) {
        String where = header(record, Headers.DLQ_TOPIC) + "/" + header(record, Headers.DLQ_PARTITION) + "@" + header(record, Headers.DLQ_OFFSET);
        activity.deadLetter(header(record, Headers.DLQ_CODE), header(record, Headers.DLQ_REASON),
                TaskJson.peekText(record.value(), "id"), TaskJson.peekText(record.value(), "type"), where);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (reader != null) {
            reader.close();
        }
    }
}
