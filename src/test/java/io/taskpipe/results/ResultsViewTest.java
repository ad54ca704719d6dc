package io.taskpipe.results;

import io.taskpipe.contract.TaskJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsViewTest {

    private static byte[] result(String id, String status) {
        return ("{\"version\":1,\"taskId\":\"" + id + "\",\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Room for exactly two results of one-character ids like these. */
    private static final long TWO = 2 * (2 + result("a", "SUCCEEDED").length + ResultsView.ENTRY_OVERHEAD_BYTES);

    @Test
    void keepsTheMostRecentResultsUpToItsCapacity() {
        ResultsView view = new ResultsView(TWO, result -> { });
        view.onResults(List.of(result("a", "SUCCEEDED"), result("b", "SUCCEEDED")));
        view.onResults(List.of(result("a", "FAILED"), result("c", "SUCCEEDED")));
        assertThat(view.get("b")).isEmpty();
        assertThat(new String(view.get("a").orElseThrow(), StandardCharsets.UTF_8)).contains("FAILED");
        assertThat(view.get("c")).isPresent();
        assertThat(view.size()).isEqualTo(2);
    }

    @Test
    void findsTheTaskIdWhereverItIsWithoutReadingTheRest() {
        assertThat(TaskJson.peekText(bytes("{\"output\":{\"taskId\":\"inner\",\"x\":[1,{\"y\":2}]},\"taskId\":\"outer\"}"), "taskId"))
                .isEqualTo("outer");
        assertThat(TaskJson.peekText(bytes("{\"taskId\":\"t-1\",\"rest\": this is not JSON"), "taskId")).isEqualTo("t-1");
    }

    @Test
    void largeResultsCostTheirSizeSoAFewCannotExhaustMemory() {
        long budget = 1 << 20;
        ResultsView view = new ResultsView(budget, result -> { });
        for (int i = 0; i < 200; i++) { // 200 results of 64 KiB each: 13 MB, were they all kept
            view.onResults(List.of(result("big-" + i, "x".repeat(64 * 1024))));
            assertThat(view.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(view.get("big-199")).as("the newest is kept").isPresent();
        assertThat(view.get("big-0")).as("the oldest went first").isEmpty();
    }

    @Test
    void ignoresRecordsThatAreNotResults() {
        ResultsView view = new ResultsView(TWO, result -> { });
        view.onResults(List.of(bytes("not json"), bytes("{\"taskId\":7}"), bytes("[1,2]"), bytes("{\"status\":\"SUCCEEDED\"}")));
        assertThat(view.size()).isZero();
    }
}
