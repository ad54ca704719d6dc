package io.taskpipe.execution;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The IO lane's CPU time of virtual threads, against the JVM's own measurement of the same work on a platform thread. */
class CpuTimeTest {

    private static final long WORK = 150_000_000L;
    private static volatile long sink;

    @Test
    void theFlagTheBuildPassesMetersVirtualThreads() {
        assertThat(CpuTime.metersVirtualThreads()).as("surefire passes --add-opens java.base/java.lang=ALL-UNNAMED").isTrue();
    }

    @Test
    void computingOnAVirtualThreadCostsWithinAFifthOfTheSameWorkOnAPlatformThread() throws Exception {
        compute(WORK); // warm up the loop
        // the two measured by turns, so that both see the same machine: the same work costs more CPU time
        // while other processes share the core's caches, and a suite's other JVMs come and go
        List<Long> platform = new ArrayList<>();
        List<Long> metered = new ArrayList<>();
        try (ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"))) {
            for (int i = 0; i < 5; i++) {
                platform.add(measuredOnPlatform());
                metered.add(virtual.submit(() -> measured(() -> compute(WORK))).get());
            }
        }
        double onPlatform = median(platform);
        assertThat(median(metered)).isCloseTo(onPlatform, within(onPlatform * 0.2));
    }

    @Test
    void aWaitingTaskIsNotChargedForWhatOthersComputeOnItsCarrierMeanwhile() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        try (ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"))) {
            Future<Long> sleeper = virtual.submit(() -> measured(() -> sleep(300)));
            List<Future<Long>> computing = new ArrayList<>();
            for (int i = 0; i < 2 * carriers; i++) { // every carrier busy while the sleeper sleeps
                computing.add(virtual.submit(() -> measured(() -> compute(WORK))));
            }
            for (Future<Long> each : computing) {
                assertThat(each.get()).isPositive();
            }
            assertThat(sleeper.get() / 1e6).as("ms of CPU charged to a thread that slept 300 ms").isLessThan(5);
        }
    }

    @Test
    void aTaskThatComputesWaitsAndComputesAgainIsChargedBothParts() throws Exception {
        long once = measuredOnPlatform();
        try (ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"))) {
            long twice = virtual.submit(() -> measured(() -> {
                compute(WORK);
                sleep(50); // unmounts: it may come back on another carrier
                compute(WORK);
            })).get();
            assertThat((double) twice).isCloseTo(2.0 * once, within(0.4 * once));
        }
    }

    @Test
    void aThreadStarvedOfCarriersIsChargedItsWaitForOneAsWaitNotAsCpu() throws Exception {
        compute(WORK); // warm up the loop
        long once = measuredOnPlatform();
        int carriers = Runtime.getRuntime().availableProcessors();
        try (ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"))) {
            List<Future<long[]>> runs = new ArrayList<>();
            for (int i = 0; i < 3 * carriers; i++) {
                runs.add(virtual.submit(() -> {
                    long cpu = CpuTime.currentThread();
                    long waited = CpuTime.carrierWait();
                    sleep(20); // wakes up behind the others: ready, but every carrier busy computing
                    compute(WORK);
                    return new long[]{CpuTime.currentThread() - cpu, CpuTime.carrierWait() - waited};
                }));
            }
            long longestWait = 0;
            for (Future<long[]> run : runs) {
                long[] cpuAndWait = run.get();
                longestWait = Math.max(longestWait, cpuAndWait[1]);
                // charged what it computed, not its carrier's time while others computed there: the threads
                // that woke up last waited for two others' runs, and would show about three times the work.
                // (Judged by CPU time, not per wall time, which other processes on the machine stretch.)
                assertThat((double) cpuAndWait[0]).as("CPU time of the work, against %d ns on a platform thread", once)
                        .isBetween(0.5 * once, 1.5 * once);
            }
            assertThat(longestWait).as("some thread waited for a carrier, for about another's run").isGreaterThan(once / 4);
        }
    }

    @Test
    void anotherThreadReadsARunsCpuTimeWhileItComputesAndNothingOfOthersWorkWhileItSleeps() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<CpuTime.Clock> computingClock = new CompletableFuture<>();
        CompletableFuture<CpuTime.Clock> sleepingClock = new CompletableFuture<>();
        ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"));
        try {
            Future<Long> computing = virtual.submit(() -> measured(() -> {
                computingClock.complete(CpuTime.clock());
                while (!stop.get()) {
                    compute(WORK / 100);
                    sleep(1); // unmounts: the others get carriers even if there is only one (Thread.yield() would escape the meter)
                }
            }));
            virtual.submit(() -> {
                sleepingClock.complete(CpuTime.clock());
                sleep(60_000);
            });
            for (int i = 0; i < 2 * carriers; i++) { // every carrier computes, the sleeper's last one too
                virtual.submit(() -> compute(WORK));
            }
            CpuTime.Clock clock = computingClock.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> clock.nanos() >= 50_000_000L);
            long maxSleeping = 0;
            for (int i = 0; i < 10_000; i++) { // reads race the carriers' mounts and unmounts
                maxSleeping = Math.max(maxSleeping, sleepingClock.get().nanos());
            }
            assertThat(computing.isDone()).as("read while the run is still going").isFalse();
            stop.set(true);
            long own = computing.get();
            assertThat(clock.nanos()).as("read from outside, at least what the thread measured itself, plus its start")
                    .isBetween(own, own + 50_000_000L);
            assertThat(maxSleeping / 1e6).as("ms of CPU read on a sleeping thread's clock").isLessThan(5);
        } finally {
            stop.set(true);
            virtual.shutdownNow(); // wakes the sleeper
            virtual.close();
        }
    }

    @Test
    void platformThreadsAreMeasuredByTheJvm() {
        assertThat(CpuTime.carrierWait()).as("no carriers, no wait to measure").isEqualTo(-1);
        long start = CpuTime.currentThread();
        compute(WORK / 10);
        assertThat(CpuTime.currentThread()).isGreaterThan(start);
    }

    private static long measuredOnPlatform() throws InterruptedException {
        long[] cpu = new long[1];
        Thread thread = Thread.ofPlatform().start(() -> cpu[0] = measured(() -> compute(WORK)));
        thread.join();
        return cpu[0];
    }

    private static long measured(Runnable work) {
        long start = CpuTime.currentThread();
        work.run();
        long end = CpuTime.currentThread();
        assertThat(start).as("CPU time is known on " + Thread.currentThread()).isNotNegative();
        return end - start;
    }

    private static double median(List<Long> samples) {
        List<Long> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static void compute(long iterations) {
        long x = 0;
        for (long i = 0; i < iterations; i++) {
            x += i * i ^ (x >>> 3);
        }
        sink = x;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
