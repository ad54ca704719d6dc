package io.taskpipe.ordering;

import io.taskpipe.contract.OrderingMode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OrderedSchedulerTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        executor.shutdownNow();
    }

    /** A job that waits for a gate and records when it runs. */
    record Step(String key, int partition, String name, CountDownLatch gate, List<String> log) implements OrderedScheduler.Job {
        @Override
        public Duration run() {
            log.add("start " + name);
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.add("end " + name);
            return null;
        }
    }

    @Test
    void jobsOfOneKeyRunOneAfterAnotherWhileOtherKeysProceed() {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch holdA1 = new CountDownLatch(1);
        CountDownLatch open = new CountDownLatch(0);
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.KEY, 10, executor);

        scheduler.submit(new Step("a", 0, "a1", holdA1, log));
        scheduler.submit(new Step("a", 0, "a2", open, log));
        scheduler.submit(new Step("b", 0, "b1", open, log));

        await().until(() -> log.contains("end b1"));
        assertThat(log).doesNotContain("start a2");
        assertThat(scheduler.running()).isEqualTo(1);
        assertThat(scheduler.queued()).isEqualTo(1);

        holdA1.countDown();
        await().until(() -> log.contains("end a2"));
        assertThat(log.indexOf("start a2")).isGreaterThan(log.indexOf("end a1"));
        await().until(() -> scheduler.running() == 0 && scheduler.queued() == 0);
    }

    @Test
    void partitionModeSerializesAPartitionAcrossKeys() {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.PARTITION, 10, executor);

        scheduler.submit(new Step("a", 3, "first", hold, log));
        scheduler.submit(new Step("b", 3, "same-partition", new CountDownLatch(0), log));
        scheduler.submit(new Step("c", 4, "other-partition", new CountDownLatch(0), log));

        await().until(() -> log.contains("end other-partition"));
        assertThat(log).doesNotContain("start same-partition");
        hold.countDown();
        await().until(() -> log.contains("end same-partition"));
    }

    @Test
    void noneModeLetsJobsOfOneKeyOverlap() {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.NONE, 10, executor);

        scheduler.submit(new Step("a", 0, "a1", hold, log));
        scheduler.submit(new Step("a", 0, "a2", new CountDownLatch(0), log));

        await().until(() -> log.contains("end a2"));
        assertThat(log).doesNotContain("end a1");
        hold.countDown();
    }

    @Test
    void neverRunsMoreThanMaxConcurrencyAtOnce() throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(200);
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.KEY, 7, executor);
        for (int i = 0; i < 200; i++) {
            String key = "k" + i;
            scheduler.submit(new OrderedScheduler.Job() {
                public String key() {
                    return key;
                }

                public int partition() {
                    return 0;
                }

                public Duration run() {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    done.countDown();
                    return null;
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(peak.get()).isEqualTo(7);
    }

    @Test
    void aJobRetryingLaterKeepsItsKeyWaitingButFreesItsSlot() {
        List<String> log = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.KEY, 1, executor);
        scheduler.submit(new OrderedScheduler.Job() {
            public String key() {
                return "a";
            }

            public int partition() {
                return 0;
            }

            public Duration run() {
                log.add("try " + tries.incrementAndGet());
                return tries.get() < 3 ? Duration.ofMillis(200) : null;
            }
        });
        scheduler.submit(new Step("a", 0, "a2", new CountDownLatch(0), log));
        scheduler.submit(new Step("b", 0, "b1", new CountDownLatch(0), log));

        await().until(() -> log.contains("end a2"));
        assertThat(log.indexOf("end b1")).as("b ran in the only slot while a waited to retry").isLessThan(log.indexOf("try 2"));
        assertThat(log.indexOf("start a2")).as("a's next task waited for a's retries").isGreaterThan(log.indexOf("try 3"));
    }

    @Test
    void anAbandonedJobFreesItsSlotAndLine() {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        OrderedScheduler scheduler = new OrderedScheduler(OrderingMode.KEY, 1, executor);
        Step stuck = new Step("a", 0, "stuck", never, log);
        scheduler.submit(stuck);
        scheduler.submit(new Step("a", 0, "next", new CountDownLatch(0), log));
        await().until(() -> log.contains("start stuck"));
        scheduler.abandon(stuck);
        await().until(() -> log.contains("end next"));
        never.countDown();
        await().until(() -> scheduler.running() == 0 && scheduler.queued() == 0);
    }
}
