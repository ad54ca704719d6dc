package io.taskpipe.results;

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

    @Test
    void keepsTheMostRecentResultsUpToItsCapacity() {
        ResultsView view = new ResultsView(2);
        view.onResults(List.of(result("a", "SUCCEEDED"), result("b", "SUCCEEDED")));
        view.onResults(List.of(result("a", "FAILED"), result("c", "SUCCEEDED")));
        assertThat(view.get("b")).isEmpty();
        assertThat(new String(view.get("a").orElseThrow(), StandardCharsets.UTF_8)).contains("FAILED");
        assertThat(view.get("c")).isPresent();
        assertThat(view.size()).isEqualTo(2);
    }

    @Test
    void findsTheTaskIdWhereverItIsWithoutReadingTheRest() {
        assertThat(ResultsView.taskId(bytes("{\"output\":{\"taskId\":\"inner\",\"x\":[1,{\"y\":2}]},\"taskId\":\"outer\"}"))).isEqualTo("outer");
        assertThat(ResultsView.taskId(bytes("{\"taskId\":\"t-1\",\"rest\": this is not JSON"))).isEqualTo("t-1");
    }

    @Test
    void ignoresRecordsThatAreNotResults() {
        ResultsView view = new ResultsView(2);
        view.onResults(List.of(bytes("not json"), bytes("{\"taskId\":7}"), bytes("[1,2]"), bytes("{\"status\":\"SUCCEEDED\"}")));
        assertThat(view.size()).isZero();
    }
}
