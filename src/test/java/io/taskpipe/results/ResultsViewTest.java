package io.taskpipe.results;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsViewTest {

    private static byte[] result(String id, String status) {
        return ("{\"taskId\":\"" + id + "\",\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheMostRecentResultsUpToItsCapacity() {
        ResultsView view = new ResultsView(2);
        view.onResult(result("a", "SUCCEEDED"));
        view.onResult(result("b", "SUCCEEDED"));
        view.onResult(result("a", "FAILED"));
        view.onResult(result("c", "SUCCEEDED"));
        assertThat(view.get("b")).isEmpty();
        assertThat(new String(view.get("a").orElseThrow(), StandardCharsets.UTF_8)).contains("FAILED");
        assertThat(view.get("c")).isPresent();
        assertThat(view.size()).isEqualTo(2);
    }

    @Test
    void ignoresRecordsThatAreNotResults() {
        ResultsView view = new ResultsView(2);
        view.onResult("not json".getBytes(StandardCharsets.UTF_8));
        view.onResult("{\"taskId\":7}".getBytes(StandardCharsets.UTF_8));
        assertThat(view.size()).isZero();
    }
}
