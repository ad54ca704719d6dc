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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lane's warm-up: before it joins its group, threads run the samples of the task types
 * ({@link TaskHandler#sample()}) through the path a task takes (decoding and validation, the handler,
 * the result's JSON) until the budget is spent. Every type, whatever lane it declares: routing may move
 * any type to either lane. A fresh JVM interprets that code at first: without the warm-up, the first
 * seconds' tasks ran many times slower than later ones, and the records behind them waited.
 */
final class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class);

    private Warmup() {
    }

    static void run(Lane lane, TaskDecoder decoder, Collection<TaskHandler<?>> handlers, int threads, Duration budget) {
        List<ConsumerRecord<String, byte[]>> samples = handlers.stream().filter(TaskHandler::enabled)
                .flatMap(h -> h.sample().map(params -> record(h.type(), params)).stream()).toList();
        if (samples.isEmpty() || !budget.isPositive()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        LongAdder runs = new LongAdder();
        AtomicBoolean warned = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("warm-up-", 0).factory())) {
            for (int t = 0; t < threads; t++) {
                int first = t;
                pool.execute(() -> {
                    for (int i = first; System.nanoTime() < deadline; i++) {
                        ConsumerRecord<String, byte[]> sample = samples.get(i % samples.size());
                        try {
                            runOnce(lane, decoder, sample);
                            runs.increment();
                        } catch (Exception e) {
                            if (!warned.getAndSet(true)) {
                                LOG.warnf(e, "warm-up: the sample of %s failed", sample.key());
                            }
                        }
                    }
                });
            }
        }
        LOG.infof("%s lane warmed up: %d sample run(s) of %d type(s) on %d thread(s) in %d ms", lane, runs.sum(), samples.size(), threads,
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
        Object output = execute(accepted.handler(), accepted.params(), new TaskContext(Instant.now().plusSeconds(60)));
        TaskJson.write(TaskResult.about(accepted.task()).succeeded(TaskJson.MAPPER.valueToTree(output)).lane(lane, 1).build());
    }

    @SuppressWarnings("unchecked")
    private static <P> Object execute(TaskHandler<P> handler, Object params, TaskContext context) throws Exception {
        return handler.run((P) params, context);
    }
}
