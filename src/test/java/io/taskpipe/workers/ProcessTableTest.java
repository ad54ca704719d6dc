package io.taskpipe.workers;

import io.taskpipe.contract.Lane;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcessTableTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant STARTED = T0.minusSeconds(600);

    private final ProcessTable table = new ProcessTable();

    private static Heartbeat worker(String host, Instant sentAt, long finished) {
        return new Heartbeat("cpu-worker", host, 7, Lane.CPU, 4, 2, 1, finished, 0, STARTED, sentAt, 1000, false);
    }

    private static ProcessStatus only(java.util.List<ProcessStatus> processes) {
        assertThat(processes).hasSize(1);
        return processes.getFirst();
    }

    @Test
    void theRateIsTheFinishedTasksBetweenTheLastTwoHeartbeatsOverTheTimeBetweenThem() {
        table.record("a:7", worker("a", T0, 100), T0);
        assertThat(only(table.processes(T0)).tasksPerSecond()).as("one heartbeat: no rate yet").isZero();

        table.record("a:7", worker("a", T0.plusMillis(500), 150), T0.plusMillis(500));
        assertThat(only(table.processes(T0.plusMillis(500))).tasksPerSecond()).isCloseTo(100, within(1e-9));

        table.record("a:7", worker("a", T0.plusMillis(2500), 160), T0.plusMillis(2500));
        ProcessStatus status = only(table.processes(T0.plusMillis(2500)));
        assertThat(status.tasksPerSecond()).isCloseTo(5, within(1e-9));
        assertThat(status.finished()).isEqualTo(160);
        assertThat(status.lastSeen()).isEqualTo(T0.plusMillis(2500));
        assertThat(status.lost()).isFalse();
    }

    @Test
    void aProcessThatRestartedUnderTheSameIdStartsItsRateOver() {
        table.record("a:7", worker("a", T0, 500), T0);
        Heartbeat restarted = new Heartbeat("cpu-worker", "a", 7, Lane.CPU, 4, 0, 0, 3, 0, T0.plusSeconds(1), T0.plusSeconds(2), 1000, false);
        table.record("a:7", restarted, T0.plusSeconds(2));

        ProcessStatus status = only(table.processes(T0.plusSeconds(2)));
        assertThat(status.finished()).isEqualTo(3);
        assertThat(status.tasksPerSecond()).isZero();
        assertThat(status.startedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aHeartbeatSentBeforeTheOneKeptChangesNothing() {
        table.record("a:7", worker("a", T0.plusSeconds(2), 200), T0.plusSeconds(2));
        table.record("a:7", worker("a", T0.plusSeconds(1), 100), T0.plusSeconds(2));

        assertThat(only(table.processes(T0.plusSeconds(2))).finished()).isEqualTo(200);
    }

    @Test
    void aProcessSilentForMoreThanThreeIntervalsIsLostThenForgottenAMinuteLater() {
        table.record("a:7", worker("a", T0, 100), T0);
        table.record("a:7", worker("a", T0.plusSeconds(1), 110), T0.plusSeconds(1));

        assertThat(only(table.processes(T0.plusSeconds(4))).lost()).as("three intervals exactly").isFalse();
        ProcessStatus lost = only(table.processes(T0.plusMillis(4001)));
        assertThat(lost.lost()).isTrue();
        assertThat(lost.tasksPerSecond()).as("a lost process finishes nothing").isZero();
        assertThat(lost.lastSeen()).isEqualTo(T0.plusSeconds(1));

        assertThat(table.processes(T0.plusSeconds(4).plus(ProcessTable.FORGET_AFTER))).hasSize(1);
        assertThat(table.processes(T0.plusSeconds(4).plus(ProcessTable.FORGET_AFTER).plusMillis(1))).isEmpty();
    }

    @Test
    void aProcessWhoseLastHeartbeatSaidStoppingIsLostAtOnce() {
        Heartbeat last = new Heartbeat("dispatcher", "d", 9, Lane.IO, 64, 0, 0, 10, 0, STARTED, T0, 1000, true);
        table.record("d:9", last, T0);

        assertThat(only(table.processes(T0)).lost()).isTrue();
        assertThat(table.processes(T0.plus(ProcessTable.FORGET_AFTER).plusMillis(1))).isEmpty();
    }

    @Test
    void aProcessHeardFromAgainIsNoLongerLost() {
        table.record("a:7", worker("a", T0, 100), T0);
        assertThat(only(table.processes(T0.plusSeconds(10))).lost()).isTrue();

        table.record("a:7", worker("a", T0.plusSeconds(10), 120), T0.plusSeconds(10));
        assertThat(only(table.processes(T0.plusSeconds(10))).lost()).isFalse();
    }

    @Test
    void processesAreListedByRoleThenId() {
        Heartbeat dispatcher = new Heartbeat("dispatcher", "d", 1, Lane.IO, 64, 0, 0, 0, 0, STARTED, T0, 1000, false);
        table.record("z:7", worker("z", T0, 0), T0);
        table.record("d:1", dispatcher, T0);
        table.record("b:7", worker("b", T0, 0), T0);

        assertThat(table.processes(T0)).extracting(ProcessStatus::id).containsExactly("b:7", "z:7", "d:1");
        assertThat(table.processes(T0)).extracting(ProcessStatus::role).containsExactly("cpu-worker", "cpu-worker", "dispatcher");
    }

    @Test
    void recordsAreReadByKeyAndOnesThatAreNotHeartbeatsSkipped() {
        table.accept(new ConsumerRecord<>("taskpipe.workers", 0, 0, "x:1", "not json".getBytes(StandardCharsets.UTF_8)), T0);
        table.accept(new ConsumerRecord<>("taskpipe.workers", 0, 1, "a:7", worker("a", T0, 5).toJson()), T0);

        ProcessStatus status = only(table.processes(T0.plus(Duration.ofMillis(10))));
        assertThat(status.id()).isEqualTo("a:7");
        assertThat(status.host()).isEqualTo("a");
        assertThat(status.pid()).isEqualTo(7);
        assertThat(status.lane()).isEqualTo("CPU");
        assertThat(status.slots()).isEqualTo(4);
        assertThat(status.running()).isEqualTo(2);
        assertThat(status.queued()).isEqualTo(1);
    }

    @Test
    void podsComingAndGoingUnderNewNamesAreForgottenEvenWhereNobodyAsks() {
        ProcessTable table = new ProcessTable();
        Instant at = STARTED;
        for (int pod = 0; pod < 3 * ProcessTable.MAX_PROCESSES; pod++) {
            at = at.plusSeconds(1);
            table.record("pod-" + pod + ":7", worker("pod-" + pod, at, 0), at);
        }
        assertThat(table.processes(at)).hasSizeLessThanOrEqualTo(ProcessTable.MAX_PROCESSES)
                .extracting(ProcessStatus::id).contains("pod-" + (3 * ProcessTable.MAX_PROCESSES - 1) + ":7");
    }

    @Test
    void aHeartbeatClaimingAnHourLongIntervalIsStillNoticedGoneWithinMinutes() {
        ProcessTable table = new ProcessTable();
        table.record("slow:7", new Heartbeat("cpu-worker", "slow", 7, Lane.CPU, 4, 0, 0, 0, 0, STARTED, STARTED, 3_600_000, false), STARTED);
        assertThat(only(table.processes(STARTED.plus(Duration.ofMinutes(4)))).lost()).isTrue();
    }
}
