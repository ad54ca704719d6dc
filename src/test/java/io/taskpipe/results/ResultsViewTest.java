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
    private static final long TWO = 2 * (2 + 2 + result("a", "SUCCEEDED").length + ResultsView.ENTRY_OVERHEAD_BYTES);

    @Test
    void keepsTheMostRecentResultsUpToItsCapacity() {
        ResultsView view = new ResultsView(TWO, result -> { });
        List.of(result("a", "SUCCEEDED"), result("b", "SUCCEEDED"), result("a", "FAILED"), result("c", "SUCCEEDED"))
                .forEach(result -> view.onResult(result, "p"));
        assertThat(view.get("b", "p", false)).isEmpty();
        assertThat(new String(view.get("a", "p", false).orElseThrow(), StandardCharsets.UTF_8)).contains("FAILED");
        assertThat(view.get("c", "p", false)).isPresent();
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
            view.onResult(result("big-" + i, "x".repeat(64 * 1024)), "p");
            assertThat(view.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(view.get("big-199", "p", false)).as("the newest is kept").isPresent();
        assertThat(view.get("big-0", "p", false)).as("the oldest went first").isEmpty();
    }

    @Test
    void ignoresRecordsThatAreNotResults() {
        ResultsView view = new ResultsView(TWO, result -> { });
        List.of(bytes("not json"), bytes("{\"taskId\":7}"), bytes("[1,2]"), bytes("{\"status\":\"SUCCEEDED\"}")).forEach(record -> view.onResult(record, null));
        assertThat(view.size()).isZero();
    }

    @Test
    void aPrincipalReadsOnlyItsOwnResultsUnlessItMayReadAnyone() {
        ResultsView view = new ResultsView(1 << 20, result -> { });
        view.onResult(result("alice-1", "SUCCEEDED"), "alice");
        view.onResult(result("kafka-1", "SUCCEEDED"), null);
        assertThat(view.get("alice-1", "alice", false)).isPresent();
        assertThat(view.get("alice-1", "bob", false)).as("another principal's result").isEmpty();
        assertThat(view.get("kafka-1", "bob", false)).as("a task written straight to Kafka has no owner to match").isEmpty();
        assertThat(view.get("alice-1", "root", true)).isPresent();
        assertThat(view.get("kafka-1", "root", true)).isPresent();
    }

    @Test
    void anIdInUseIsRefusedToOthersWholeBatchOrNothing() {
        ResultsView view = new ResultsView(1 << 20, result -> { });
        assertThat(view.claim(List.of("x", "y"), "alice").claimed()).containsExactly("x", "y");
        assertThat(view.claim(List.of("z", "y"), "bob").taken()).as("y is alice's, still without a result").containsExactly("y");
        assertThat(view.claim(List.of("z"), "alice").taken()).as("bob's refused batch claimed nothing, z included").isEmpty();
        view.onResult(result("x", "SUCCEEDED"), "alice");
        assertThat(view.claim(List.of("x"), "bob").taken()).as("x has alice's result now").containsExactly("x");
        ResultsView.Claim again = view.claim(List.of("x", "y"), "alice");
        assertThat(again.taken()).as("a principal may submit its own ids again").isEmpty();
        assertThat(again.claimed()).as("which it already held").isEmpty();
        assertThat(view.get("y", "alice", false)).as("a claim is no result").isEmpty();
    }

    @Test
    void aClaimWithoutAPublishedTaskIsGivenBack() {
        ResultsView view = new ResultsView(1 << 20, result -> { });
        view.unclaim(view.claim(List.of("x"), "alice").claimed(), "alice");
        assertThat(view.claim(List.of("x"), "bob").taken()).isEmpty();
        view.unclaim(List.of("x"), "alice");
        assertThat(view.claim(List.of("x"), "alice").taken()).as("alice cannot give back bob's claim").containsExactly("x");
        assertThat(view.bytes()).isPositive();
        view.unclaim(List.of("x"), "bob");
        assertThat(view.bytes()).isZero();
    }

    @Test
    void aFailedResubmissionKeepsTheEarlierClaim() {
        ResultsView view = new ResultsView(1 << 20, result -> { });
        view.claim(List.of("x"), "alice"); // published; its result still to come
        view.unclaim(view.claim(List.of("x", "y"), "alice").claimed(), "alice"); // a second request that failed
        assertThat(view.claim(List.of("x"), "bob").taken()).as("x stays alice's").containsExactly("x");
        assertThat(view.claim(List.of("y"), "bob").taken()).as("y was the failed request's alone").isEmpty();
    }
}
