package io.taskpipe.lanes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.intake.Decoded;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A lane's warm-up: before it joins its group, one thread runs the samples of the task types
 * ({@link TaskHandler#sample()}) through the path a task takes (decoding and validation, the handler,
 * the result's JSON) until the budget is spent. Every type, whatever lane it declares: routing may move
 * any type to either lane. A fresh JVM interprets that code at first, many times slower than compiled:
 * the warm-up lets the compiler see it before a task waits on it. It covers the handlers, not the Kafka
 * clients or the lane's own machinery (docs/benchmarks.md, G11, measures what is left). One thread is
 * enough to make the code hot, and leaves the other cores to the processes beside it: a worker joining
 * a busy machine must not stall the ones already working.
 */
final class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class);

    private Warmup() {
    }

    /** Runs the samples one after another on the calling thread until {@code budget} is spent. */
    static void run(Lane lane, TaskDecoder decoder, Collection<TaskHandler<?>> handlers, Duration budget) {
        List<ConsumerRecord<String, byte[]>> samples = handlers.stream().filter(TaskHandler::enabled)
                .flatMap(h -> h.sample().map(params -> record(h.type(), params)).stream()).toList();
        if (samples.isEmpty() || !budget.isPositive()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        int runs = 0;
        boolean warned = false;
        for (int i = 0; System.nanoTime() < deadline; i++) {
            ConsumerRecord<String, byte[]> sample = samples.get(i % samples.size());
            try {
                runOnce(lane, decoder, sample);
                runs++;
            } catch (Exception e) {
                if (!warned) {
                    LOG.warnf(e, "warm-up: the sample of %s failed", sample.key());
                    warned = true;
                }
            }
        }
        LOG.infof("%s lane warmed up: %d sample run(s) of %d type(s) in %d ms", lane, runs, samples.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static ConsumerRecord<String, byte[]> record(String type, Object params) {
        ObjectNode task = TaskJson.MAPPER.createObjectNode().put("id", "warm-up-" + type).put("type", type);
        task.set("params", TaskJson.MAPPER.valueToTree(params));
        return new ConsumerRecord<>("warm-up", 0, 0, type, TaskJson.write(task));
    }

    private static void runOnce(Lane lane, TaskDecoder decoder, ConsumerRecord<String, byte[]> sample) throws Exception {
        if (!(decoder.decode(sample) instanceof Decoded.Accepted accepted)) {
            throw new IllegalStateException("the sample was rejected: " + decoder.decode(sample));
        }
        Object output = accepted.run(new TaskContext(Instant.now().plusSeconds(60)));
        TaskJson.write(TaskResult.about(accepted.task()).succeeded(TaskJson.MAPPER.valueToTree(output)).lane(lane, 1).build());
    }
}
