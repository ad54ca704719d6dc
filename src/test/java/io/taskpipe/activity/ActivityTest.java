package io.taskpipe.activity;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.tasks.TaskTypes;
import io.taskpipe.tasks.cpu.SumTask;
import io.taskpipe.tasks.io.SleepTask;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActivityTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private final TaskTypes known = new TaskTypes(List.of(new SleepTask(), new SumTask()));
    private final Activity activity = new Activity(known);

    @Test
    void eachSecondIsAPointWithItsCountsAndPercentiles() {
        for (int ms = 1; ms <= 100; ms++) {
            activity.result(result("io.sleep", Lane.IO, T0, ms), T0.plusMillis(ms));
        }
        activity.result(failed("io.sleep", T0.plusSeconds(1)), T0.plusSeconds(1));

        Activity.View view = activity.view(T0.plusSeconds(2), 0, 0);

        Activity.SeriesView sleep = type(view, "io.sleep");
        assertThat(sleep.points()).extracting(Series.Point::second).containsExactly(T0.getEpochSecond(), T0.getEpochSecond() + 1);
        Series.Point first = sleep.points().getFirst();
        assertThat(first.count()).isEqualTo(100);
        assertThat(first.failed()).isZero();
        assertThat(first.serviceP50()).isCloseTo(50, org.assertj.core.data.Offset.offset(1.0));
        assertThat(first.serviceP99()).isCloseTo(99, org.assertj.core.data.Offset.offset(1.0));
        assertThat(sleep.points().get(1).failed()).isEqualTo(1);
        assertThat(sleep.lastSecond()).isEqualTo(1);
        assertThat(sleep.total()).isEqualTo(101);
        assertThat(view.totals()).containsEntry("SUCCEEDED", 100L).containsEntry("FAILED", 1L);
        assertThat(view.lanes()).extracting(Activity.SeriesView::name).contains("IO");
    }

    @Test
    void quietSecondsAreEmptyPointsAndTheWindowStaysFiveMinutesAfterAnyPause() {
        activity.result(result("compute.sum", Lane.CPU, T0, 5), T0);
        Activity.View view = activity.view(T0.plusSeconds(4), 0, 0);
        assertThat(type(view, "compute.sum").points()).extracting(Series.Point::count).containsExactly(1, 0, 0, 0);

        Instant muchLater = T0.plusSeconds(86_400);
        activity.result(result("compute.sum", Lane.CPU, muchLater, 5), muchLater);
        List<Series.Point> points = type(activity.view(muchLater.plusSeconds(1), 0, 0), "compute.sum").points();
        assertThat(points).hasSizeLessThanOrEqualTo(Series.WINDOW_SECONDS);
        assertThat(points.getLast().second()).isEqualTo(muchLater.getEpochSecond());
        assertThat(points.getLast().count()).isEqualTo(1);
    }

    @Test
    void aClientGetsOnlyTheSecondsAndFailuresAfterItsCursor() {
        activity.result(failed("io.sleep", T0), T0);
        Activity.View first = activity.view(T0.plusSeconds(1), 0, 0);
        activity.result(failed("io.sleep", T0.plusSeconds(1)), T0.plusSeconds(1));
        Activity.View next = activity.view(T0.plusSeconds(2), first.second() - 1, first.failures().getLast().seq());

        assertThat(type(next, "io.sleep").points()).extracting(Series.Point::second).containsExactly(T0.getEpochSecond() + 1);
        assertThat(next.failures()).singleElement().satisfies(f -> assertThat(f.at()).isEqualTo(T0.plusSeconds(1)));
    }

    @Test
    void theTopicsHistoryIsCountedButNotCharted() {
        Instant now = T0.plus(Activity.CHARTED_AGE).plusSeconds(1);
        activity.result(result("io.sleep", Lane.IO, T0, 5), now);
        Activity.View view = activity.view(now.plusSeconds(1), 0, 0);
        assertThat(view.totals()).containsEntry("SUCCEEDED", 1L);
        assertThat(type(view, "io.sleep").points()).allSatisfy(p -> assertThat(p.count()).isZero());
    }

    @Test
    void typeNamesNoHandlerKnowsShareOneSeriesSoHostileInputCannotGrowTheView() {
        for (int i = 0; i < 5_000; i++) {
            activity.result(rejected("hostile.type." + i), T0);
        }
        Activity.View view = activity.view(T0.plusSeconds(1), 0, 0);
        assertThat(view.types()).extracting(Activity.SeriesView::name).containsOnly(Activity.OTHER_TYPE);
        assertThat(view.totals()).containsEntry("REJECTED", 5_000L);
        assertThat(view.failures()).hasSizeLessThanOrEqualTo(Activity.MAX_FAILURES);
        assertThat(view.failures().getLast().type()).isEqualTo("hostile.type.4999");
    }

    @Test
    void deadLettersAreFailuresOfTheirOwnStatus() {
        activity.deadLetter("MALFORMED_JSON", "not JSON", null, null, "taskpipe.tasks/3@17");
        Activity.View view = activity.view(Instant.now(), 0, 0);
        assertThat(view.totals()).containsEntry(Failure.DEAD_LETTER, 1L);
        assertThat(view.failures()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Failure.DEAD_LETTER);
            assertThat(f.code()).isEqualTo("MALFORMED_JSON");
            assertThat(f.where()).isEqualTo("taskpipe.tasks/3@17");
        });
    }

    private static Activity.SeriesView type(Activity.View view, String name) {
        return view.types().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static ResultSummary result(String type, Lane lane, Instant finished, double serviceMs) {
        Instant started = finished.minusNanos((long) (serviceMs * 1e6));
        return summary(TaskResult.about("id", type, "k", null).succeeded(null).lane(lane, 1)
                .timing(Timing.of(started, started, started, finished, -1, -1)));
    }

    private static ResultSummary failed(String type, Instant finished) {
        return summary(TaskResult.about("id", type, "k", null).failed(Status.FAILED, ErrorCode.EXECUTION_ERROR, "no").lane(Lane.IO, 2)
                .timing(Timing.of(finished, finished, finished, finished, -1, -1)));
    }

    private static ResultSummary rejected(String type) {
        return summary(TaskResult.about("id", type, "k", null).failed(Status.REJECTED, ErrorCode.UNKNOWN_TYPE, "unknown type"));
    }

    private static ResultSummary summary(TaskResult.Builder builder) {
        return ResultSummary.read(TaskJson.write(builder.build()));
    }
}
